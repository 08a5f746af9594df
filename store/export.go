package store

import (
	"context"
	"io"

	"github.com/jmoiron/sqlx"

	"servicebot/dialogs"
)

// ExportCSV writes the submitted responses of the filter to w as CSV (see
// dialogs.ResultsCSV), a row at a time as they are read, and returns how
// many it wrote. Memory stays flat whatever the number of responses.
func ExportCSV(ctx context.Context, q sqlx.QueryerContext, f ResponseFilter, qs []*dialogs.Questionnaire, w io.Writer) (int, error) {
	keys, err := SubmittedAnswerKeys(ctx, q, f)
	if err != nil {
		return 0, err
	}
	cw, err := dialogs.NewResultsCSV(w, qs, keys)
	if err != nil {
		return 0, err
	}
	n := 0
	err = EachSubmitted(ctx, q, f, func(r Response) error {
		n++
		return cw.Write(r.Submission())
	})
	if err != nil {
		return n, err
	}
	return n, cw.Flush()
}
