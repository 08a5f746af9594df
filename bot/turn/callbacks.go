package turn

import "servicebot/dialogs"

// Callback data is short ASCII: a prefix naming the action, a colon, and an
// argument (tg.CallbackData). Never text a person reads; Telegram allows
// 64 bytes. Every prefix the bot uses is here, so that no two rooms take
// the same one.
const (
	// The citizen's menu and settings (bot/citizen).
	CbLanguage = "l"  // l:uk — choose a language
	CbMenu     = "m"  // m:help — a main-menu item
	CbForget   = "fg" // fg:y — yes, forget me

	// The citizen's FAQ (bot/citizen).
	CbFAQRoot     = "fr" // fr — the list of topics
	CbFAQCategory = "fc" // fc:<category>:<page>
	CbFAQQuestion = "fq" // fq:<entry>
	CbFAQVote     = "fv" // fv:<entry>:u|d
	CbFAQNone     = "fn" // fn:<offer> — none of the suggestions

	// Tickets: the citizen's way to a person, and their verdict (bot/citizen).
	CbOperator   = "op" // op:m (menu), op:n:<unanswered id>.<seal>, op:d:<entry id>
	CbTicketRate = "tr" // tr:<ticket>:y|n (solved or not), tr:<ticket>:r (reopen after «no»)

	// Questionnaires (bot/survey); <k> is the questionnaire's letter (m:
	// mystery shopper, r: rating).
	CbSurvey      = "qs" // qs:<k>:go|cont|new|send|x — begin, go on, start over, send, cancel
	CbSurveyAns   = "qa" // qa:<k>:<question>:<choice>
	CbSurveyDone  = "qd" // qd:<k>:<question> — done choosing several
	CbSurveySkip  = "qk" // qk:<k>:<question>
	CbSurveyBack  = "qb" // qb:<k>
	CbSurveyEdit  = "qe" // qe:<k>:<question> — change an answer from the summary
	CbSurveyPlace = "qy" // qy:<k>:<view> — the centre browser

	// Integrity reports (bot/integrity).
	CbReport       = "ir" // ir:a (anonymous), ir:n (with my name)
	CbReportAdd    = "ix" // ix:<report>: add to one's open report; ix:<report>:y|q: add the question typed, or answer it
	CbReportAnswer = "ia" // ia:<report>: answer the integrity team's question
	CbReportDone   = "iz" // iz[:<report>]: done writing (and answering)
	CbReportClose  = "ic" // ic:<report>: integrity staff close the report

	// The staff chat's ticket buttons (bot/desk).
	CbDesk = "tk" // tk:<t|c|b|f>:<ticket> — take, close, block, make a FAQ entry

	// The FAQ editor (bot/faqedit).
	CbEdit = "fe"
)

// Dialogs: what a chat's stored conversation waits for (store.Conversation's
// Dialog), and so which room takes the next message typed.
const (
	DialogLanguage = "language" // the question typed before choosing a language (bot/citizen)
	DialogTicket   = "ticket"   // the citizen describing their question for a person (bot/citizen)
	DialogCentres  = "centres"  // a location or a town for "where is my centre" (bot/citizen)
	DialogSurvey   = "survey"   // a questionnaire's typed answer (bot/survey)
	DialogFAQEdit  = "faqedit"  // staff writing a FAQ field (bot/faqedit)
	// DialogReport is the conversation a report draft was kept in before
	// migration 00009 (now it is sealed, see bot/integrity).
	DialogReport = "report"
)

// KindOf is the questionnaire kind a button's letter stands for ("" for
// none).
func KindOf(letter string) string {
	return map[string]string{"m": dialogs.KindMystery, "r": dialogs.KindRating}[letter]
}

// LetterOf is the letter that stands for a questionnaire kind in buttons.
func LetterOf(kind string) string {
	if kind == dialogs.KindMystery {
		return "m"
	}
	return "r"
}
