package dialogs

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// WithoutCommand is an answer without the lines that offer command (say
// "/report") to a deployment that does not take it: an answer may say «in
// this bot: /report» only where the bot takes reports. Content keeps such
// an offer on a line of its own; a line whose tags do not close on it is
// kept, since leaving it out would break the HTML. A list that loses its
// last item then ends on «.», not on the «;» that led to it.
func WithoutCommand(answer, command string) string {
	if !strings.Contains(answer, command) {
		return answer
	}
	lines := strings.Split(answer, "\n")
	out := make([]string, 0, len(lines))
	for i, line := range lines {
		if !namesCommand(line, command) {
			out = append(out, line)
			continue
		}
		if _, _, err := ParseHTML(line); err != nil {
			out = append(out, line)
			continue
		}
		lastOfList := i+1 == len(lines) || !isListItem(lines[i+1])
		if n := len(out); lastOfList && n > 0 && isListItem(out[n-1]) && strings.HasSuffix(out[n-1], ";") {
			out[n-1] = strings.TrimSuffix(out[n-1], ";") + "."
		}
	}
	// Two blank lines where a paragraph was are one; none at either end.
	kept := out[:0]
	for _, line := range out {
		if strings.TrimSpace(line) == "" && (len(kept) == 0 || strings.TrimSpace(kept[len(kept)-1]) == "") {
			continue
		}
		kept = append(kept, line)
	}
	for len(kept) > 0 && strings.TrimSpace(kept[len(kept)-1]) == "" {
		kept = kept[:len(kept)-1]
	}
	return strings.Join(kept, "\n")
}

// namesCommand tells whether line has command as a word of its own:
// "/report" in «через /report.» but not in «/reports» or «a/reporter».
func namesCommand(line, command string) bool {
	for from := 0; ; {
		i := strings.Index(line[from:], command)
		if i < 0 {
			return false
		}
		i += from
		end := i + len(command)
		before, _ := utf8.DecodeLastRuneInString(line[:i])
		after, _ := utf8.DecodeRuneInString(line[end:])
		if !wordRune(before) && !wordRune(after) && before != '/' {
			return true
		}
		from = end
	}
}

func wordRune(r rune) bool {
	return r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r)
}

func isListItem(line string) bool {
	return strings.HasPrefix(strings.TrimSpace(line), "•")
}
