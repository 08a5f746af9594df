package dialogs

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// The kinds of questionnaire a pack ships.
const (
	KindMystery = "mystery" // the mystery shopper's questionnaire («Таємний клієнт»)
	KindRating  = "rating"  // the one-minute visit rating (the 0919 criteria)
)

// Questionnaire is a survey a pack ships: the mystery shopper's
// questionnaire or the quick visit rating. All its texts are plain text; the
// bot escapes them. Yes / no / not applicable, 1–5, 0–10, today / yesterday,
// Skip and Done are the bot's buttons, labelled from locales/.
type Questionnaire struct {
	ID      string `yaml:"id"`
	Kind    string `yaml:"kind"`    // mystery | rating
	Version int    `yaml:"version"` // bump when questions change; a response records it
	Title   Text   `yaml:"title"`
	Intro   Text   `yaml:"intro"` // what is stored and why, shown before the first question
	// IntroOperator is the intro's words about an operator answering
	// («і щоб оператор міг вам відповісти…»), as they stand in it: where
	// no one answers (no staff chat) they are left out.
	IntroOperator Text      `yaml:"intro_operator"`
	Sections      []Section `yaml:"sections"`
	Pos           Pos       `yaml:"-"`
}

// Section is a titled group of questions, shown only when its condition holds.
type Section struct {
	ID        string     `yaml:"id"`
	Title     Text       `yaml:"title"`
	When      *Condition `yaml:"when"`
	Questions []Question `yaml:"questions"`
	Pos       Pos        `yaml:"-"`
}

// Question types.
const (
	QuestionSingle  = "single"  // one of Options
	QuestionMulti   = "multi"   // some of Options, confirmed with Done
	QuestionRating5 = "rating5" // 1–5
	QuestionScale10 = "scale10" // 0–10
	QuestionYesNo   = "yesno"   // yes, no
	QuestionYesNoNA = "yesnona" // yes, no, not applicable
	QuestionDate    = "date"    // today, yesterday, or typed; within the last 90 days
	QuestionCentre  = "centre"  // one of the pack's centres
	QuestionText    = "text"    // typed, at most Limit() characters
	QuestionPhoto   = "photo"   // a photo's file_id
)

// Choices of the yes/no questions, as Input.Choice and in Answer.Choice.
const (
	ChoiceYes = "yes"
	ChoiceNo  = "no"
	ChoiceNA  = "na"
)

// Choices of a date question besides a typed date.
const (
	ChoiceToday     = "today"
	ChoiceYesterday = "yesterday"
)

// Limits of questionnaire content and answers.
const (
	MaxQuestionText = 500  // a question, as the message above its buttons
	MaxHint         = 300  // the line under a question
	MaxOptionLabel  = 40   // an option, on a button
	DefaultTextLen  = 1000 // a text answer when the question sets no max_len
	MaxTextLen      = 3000 // the most max_len may allow: the answer must fit a staff message
	DateWindow      = 90   // days back a visit date may be
)

// Criteria of the quick rating: the five of the Russian 0919 / «Ваш контроль»
// assessment, which the Ukrainian quick rating mirrors.
var Criteria = []string{"time", "queue", "staff", "comfort", "info"}

// Question is one step of a questionnaire.
type Question struct {
	ID   string `yaml:"id"` // [a-z0-9_]{1,24}, unique in the questionnaire: it goes into callback data
	Type string `yaml:"type"`
	Text Text   `yaml:"text"`
	// Label is the question in a few words, for summaries, staff cards and
	// statistics («Квитанція», «Черга»); without it the text is used.
	Label     Text       `yaml:"label"`
	Hint      Text       `yaml:"hint"`
	Options   []Option   `yaml:"options"` // single, multi
	Optional  bool       `yaml:"optional"`
	MaxLen    int        `yaml:"max_len"` // text: 0 means DefaultTextLen
	When      *Condition `yaml:"when"`
	Integrity bool       `yaml:"integrity"` // yesno: "yes" reports an integrity problem
	// General marks a text question that takes anything the person has
	// to say (the comment, «what went wrong?»): words typed at a button
	// step that answer no question of their own are added to it.
	General   bool   `yaml:"general"`
	Criterion string `yaml:"criterion"` // rating5: which of Criteria it scores
	Pos       Pos    `yaml:"-"`
}

// Short is the question as summaries and staff read it: its Label, or its
// text when it has none.
func (qq *Question) Short() Text {
	if len(qq.Label) > 0 {
		return qq.Label
	}
	return qq.Text
}

// Option is a choice of a single or multi question. Its id follows the
// pack's item ids ([a-z0-9_]{1,24}), so that a services question can use
// the ids of services.yaml; "q:<question>:<option>" stays within
// Telegram's 64 bytes of callback data.
type Option struct {
	ID   string `yaml:"id"`
	Text Text   `yaml:"text"`
}

// Condition holds when the answer to an earlier Question includes any of
// AnyOf (option ids; yes, no, na for yes/no questions), or is at most AtMost
// or at least AtLeast (rating5, scale10); or, with Any, when any of its
// conditions holds; with All, when all of them do. A question not shown,
// skipped, or not answered yet satisfies no condition.
type Condition struct {
	Question string      `yaml:"question"`
	AnyOf    []string    `yaml:"any_of"`
	AtMost   *int        `yaml:"at_most"`
	AtLeast  *int        `yaml:"at_least"`
	Any      []Condition `yaml:"any"`
	All      []Condition `yaml:"all"`
}

// Answer is what a person answered to one question.
type Answer struct {
	Choice  []string `json:"c,omitempty"` // option ids; yes/no/na
	Number  *int     `json:"n,omitempty"` // rating5 1–5, scale10 0–10
	Text    string   `json:"t,omitempty"` // text; date YYYY-MM-DD; centre id; photo file_id
	Skipped bool     `json:"s,omitempty"`
	// Pending marks an answer not given yet: a multi question whose
	// options are being ticked (until Done), or a question asked again
	// after Back (what was chosen before shows until it is replaced). No
	// condition looks at it.
	Pending bool `json:"p,omitempty"`
	// Again marks a question asked again on the way back: once it is
	// answered, the next question answered before is asked again too, so
	// that the person walks forward through what they gave instead of
	// jumping to the end.
	Again bool `json:"b,omitempty"`
}

// Answers are a response's answers by question id.
type Answers map[string]Answer

// NoteKey holds, among the answers, words a person typed at a button step
// beyond its answer (a complaint where a score was asked), in its Text,
// for the general comment (Question.General): that question adds them to
// its answer when it is asked, or PlaceNote does once no question is
// left. Words for one question alone wait under NoteOf(it). It is no
// question's id (those are [a-z0-9_]), and no condition looks at it.
const NoteKey = "+note"

// NoteOf is the key, among the answers, of the words kept for text
// question qq: NoteKey for a general comment; for another, its own
// («ні, довелося прийти вдруге» for «why a second visit?»).
func NoteOf(qq *Question) string {
	if qq.General {
		return NoteKey
	}
	return NoteKey + ":" + qq.ID
}

// isNote tells the key of words kept (NoteOf) among the answers.
func isNote(id string) bool { return strings.HasPrefix(id, NoteKey) }

// Response is one person's answers to a questionnaire, under the version
// they were given in.
type Response struct {
	Questionnaire string  `json:"questionnaire"`
	Version       int     `json:"version"`
	Answers       Answers `json:"answers"`
}

// Input is what a person did at a question: pressed a button (Choice: an
// option id, yes/no/na, "1".."5", "0".."10", today/yesterday, a centre id),
// typed Text, sent a Photo (its file_id), pressed Skip, or pressed Done
// (multi). Today is the current date where the pack is.
type Input struct {
	Choice, Text, Photo string
	Skip, Done          bool
	Today               time.Time
}

// Errors of Apply, for the bot to turn into hints. They come wrapped with
// detail: check them with errors.Is.
var (
	ErrExpectedButton = errors.New("dialogs: expected a button")
	ErrExpectedText   = errors.New("dialogs: expected text")
	ErrExpectedPhoto  = errors.New("dialogs: expected a photo")
	ErrTooLong        = errors.New("dialogs: answer too long")
	ErrNotOptional    = errors.New("dialogs: the question may not be skipped")
	ErrBadChoice      = errors.New("dialogs: not one of the choices")
	ErrBadDate        = errors.New("dialogs: not a date of the last 90 days")
	ErrEmpty          = errors.New("dialogs: empty answer")
	ErrUnknownCentre  = errors.New("dialogs: unknown centre")
	// ErrNotShown is a question that is not asked with these answers, or
	// does not exist: a button from an old message.
	ErrNotShown = errors.New("dialogs: question not asked")
)

// NewResponse starts an empty response under the questionnaire's version.
func (q *Questionnaire) NewResponse() Response {
	return Response{Questionnaire: q.ID, Version: q.Version, Answers: Answers{}}
}

// Without returns a copy of the questionnaire that does not ask the
// questions ids (a section left with none goes too), as if they were not
// in it: a condition that looks at one of them does not hold.
func (q *Questionnaire) Without(ids ...string) *Questionnaire {
	out := *q
	out.Sections = nil
	for _, s := range q.Sections {
		s.Questions = slices.DeleteFunc(slices.Clone(s.Questions), func(qq Question) bool { return slices.Contains(ids, qq.ID) })
		if len(s.Questions) > 0 {
			out.Sections = append(out.Sections, s)
		}
	}
	return &out
}

// Question returns the question with id, or nil.
func (q *Questionnaire) Question(id string) *Question {
	for si := range q.Sections {
		for qi := range q.Sections[si].Questions {
			if qq := &q.Sections[si].Questions[qi]; qq.ID == id {
				return qq
			}
		}
	}
	return nil
}

// SectionOf returns the section that holds question id, or nil.
func (q *Questionnaire) SectionOf(id string) *Section {
	for si := range q.Sections {
		for qi := range q.Sections[si].Questions {
			if q.Sections[si].Questions[qi].ID == id {
				return &q.Sections[si]
			}
		}
	}
	return nil
}

// Visible returns the questions asked with these answers, in order: those
// whose own and whose section's conditions hold.
func (q *Questionnaire) Visible(ans Answers) []*Question {
	var out []*Question
	shown := map[string]bool{}
	for si := range q.Sections {
		s := &q.Sections[si]
		if !s.When.holds(ans, shown) {
			continue
		}
		for qi := range s.Questions {
			qq := &s.Questions[qi]
			if qq.When.holds(ans, shown) {
				out = append(out, qq)
				shown[qq.ID] = true
			}
		}
	}
	return out
}

// Next returns the first question asked and not yet answered; false when
// the questionnaire is complete.
func (q *Questionnaire) Next(ans Answers) (*Question, bool) {
	for _, qq := range q.Visible(ans) {
		if a, ok := ans[qq.ID]; !ok || a.Pending {
			return qq, true
		}
	}
	return nil, false
}

// Complete reports whether every question asked is answered or skipped.
func (q *Questionnaire) Complete(ans Answers) bool {
	_, more := q.Next(ans)
	return !more
}

// Progress returns the position of question id among the questions asked
// and their number, for «Крок 4 з 17». step is 0 when id is not asked.
// final is false while the number may still change: a question is shown
// or not by an answer not given yet (a low score adds «what went wrong?»),
// and «Крок 2 з 6» must not become «Крок 3 з 8»: say «Крок 2 (усього до
// 8)» then, with MostSteps.
func (q *Questionnaire) Progress(ans Answers, id string) (step, total int, final bool) {
	vis, _, settledAll := q.decided(ans)
	for i, qq := range vis {
		if qq.ID == id {
			return i + 1, len(vis), settledAll
		}
	}
	return 0, len(vis), settledAll
}

// MostSteps is the most steps the questionnaire can still have with the
// answers given so far: those shown now and those an answer to come may
// show.
func (q *Questionnaire) MostSteps(ans Answers) int {
	vis, decided, _ := q.decided(ans)
	n := len(vis)
	shown := map[string]bool{}
	for _, qq := range vis {
		shown[qq.ID] = true
	}
	for si := range q.Sections {
		for _, qq := range q.Sections[si].Questions {
			if !shown[qq.ID] && !decided(qq.ID) {
				n++
			}
		}
	}
	return n
}

// decided returns the questions visible with ans, a test of whether a
// question is decided (answered, or hidden by conditions decided
// themselves, so that it will not be asked), and whether every condition
// is decided (the number of steps is final).
func (q *Questionnaire) decided(ans Answers) (vis []*Question, decided func(id string) bool, final bool) {
	vis = q.Visible(ans)
	shown := map[string]bool{}
	for _, qq := range vis {
		shown[qq.ID] = true
	}
	whenOf := map[string][2]*Condition{}
	for si := range q.Sections {
		s := &q.Sections[si]
		for qi := range s.Questions {
			whenOf[s.Questions[qi].ID] = [2]*Condition{s.When, s.Questions[qi].When}
		}
	}
	// Conditions look only at earlier questions, so this ends.
	var settled func(c *Condition) bool
	decided = func(id string) bool {
		if a, ok := ans[id]; ok && !a.Pending {
			return true
		}
		w := whenOf[id]
		return !shown[id] && settled(w[0]) && settled(w[1])
	}
	settled = func(c *Condition) bool {
		if c == nil {
			return true
		}
		for _, list := range [][]Condition{c.Any, c.All} {
			for i := range list {
				if !settled(&list[i]) {
					return false
				}
			}
		}
		return c.Question == "" || decided(c.Question)
	}
	final = true
	for _, w := range whenOf {
		final = final && settled(w[0]) && settled(w[1])
	}
	return vis, decided, final
}

// Apply checks the input to question id and returns new answers with it;
// ans is not changed, and is returned as it is with an error. A multi
// question's options toggle until Done. Answers to questions no longer
// asked because of this answer are dropped: that is how a change from the
// summary takes effect.
func (q *Questionnaire) Apply(ans Answers, id string, in Input, centres []string) (Answers, error) {
	qq := q.Question(id)
	if qq == nil || !slices.Contains(q.Visible(ans), qq) {
		return ans, fmt.Errorf("%w: %q", ErrNotShown, id)
	}
	var a Answer
	if in.Skip {
		if !qq.Optional {
			return ans, fmt.Errorf("%w: %s", ErrNotOptional, id)
		}
		a = Answer{Skipped: true}
	} else {
		var err error
		if a, err = qq.answer(ans[id], in, centres); err != nil {
			return ans, fmt.Errorf("%w (question %s)", err, id)
		}
	}
	out := maps.Clone(ans)
	if out == nil {
		out = Answers{}
	}
	if a.Pending && len(a.Choice) == 0 {
		delete(out, id)
	} else {
		out[id] = a
	}
	if a.Pending {
		return out, nil
	}
	out = q.prune(out)
	if ans[id].Again {
		// On the way back: the next question answered before is asked
		// again, its answer shown.
		vis := q.Visible(out)
		if i := slices.Index(vis, qq); i >= 0 && i+1 < len(vis) {
			if next, ok := out[vis[i+1].ID]; ok && !next.Pending {
				next.Pending, next.Again = true, true
				out[vis[i+1].ID] = next
			}
		}
	}
	return out, nil
}

// Back returns the question asked before current (before the summary, when
// current is not asked: the last one) with its answer made pending, so
// that it is asked again (showing what was chosen). Questions not asked are stepped over. prev is "" at the
// first question.
func (q *Questionnaire) Back(ans Answers, current string) (prev string, out Answers) {
	vis := q.Visible(ans)
	i := slices.IndexFunc(vis, func(qq *Question) bool { return qq.ID == current })
	if i < 0 {
		i = len(vis)
	}
	out = maps.Clone(ans)
	if out == nil {
		out = Answers{}
	}
	if a, ok := out[current]; ok && a.Pending {
		// Asked again and left by Back once more: the answer given before
		// stays as it was. Ticks of a first visit, never Done, go.
		if a.Again && (a.Skipped || len(a.Choice) > 0 || a.Number != nil || a.Text != "") {
			a.Pending, a.Again = false, false
			out[current] = a
		} else {
			delete(out, current)
		}
	}
	if i == 0 {
		return "", out
	}
	prev = vis[i-1].ID
	// The earlier answer stays, pending, so that the question asked again
	// shows what was chosen; answering replaces it.
	if a, ok := out[prev]; ok {
		a.Pending, a.Again = true, true
		out[prev] = a
	}
	// No pruning here: a pending answer satisfies no condition, so the
	// questions it shows would look hidden, and their answers (what went
	// wrong, typed) be lost. Apply prunes once the new answer is given.
	return prev, out
}

// LowScore is the highest score of five that staff are shown as a low
// one: a review card, the dashboard's low ratings.
const LowScore = 2

// LowScores returns the rating5 questions asked and scored at most atMost.
func (q *Questionnaire) LowScores(ans Answers, atMost int) []string {
	var ids []string
	for _, qq := range q.Visible(ans) {
		if a, ok := ans[qq.ID]; ok && qq.Type == QuestionRating5 && !a.Pending && a.Number != nil && *a.Number <= atMost {
			ids = append(ids, qq.ID)
		}
	}
	return ids
}

// IntegrityFlags returns the integrity questions asked and answered yes.
func (q *Questionnaire) IntegrityFlags(ans Answers) []string {
	var ids []string
	for _, qq := range q.Visible(ans) {
		if a, ok := ans[qq.ID]; ok && qq.Integrity && slices.Contains(a.Choice, ChoiceYes) {
			ids = append(ids, qq.ID)
		}
	}
	return ids
}

// IntegrityQuestions returns the questions of the sections that hold an
// integrity question: what a person tells about corruption, which goes to
// the integrity team, not to staff reviewing the visit.
func (q *Questionnaire) IntegrityQuestions() []*Question {
	var out []*Question
	for si := range q.Sections {
		s := &q.Sections[si]
		if !slices.ContainsFunc(s.Questions, func(qq Question) bool { return qq.Integrity }) {
			continue
		}
		for qi := range s.Questions {
			out = append(out, &s.Questions[qi])
		}
	}
	return out
}

// WithoutIntegrity returns the answers but those to IntegrityQuestions.
func (q *Questionnaire) WithoutIntegrity(ans Answers) Answers {
	out := make(Answers, len(ans))
	for id, a := range ans {
		out[id] = a
	}
	for _, qq := range q.IntegrityQuestions() {
		delete(out, qq.ID)
		if qq.Type == QuestionText {
			delete(out, NoteOf(qq))
		}
	}
	return out
}

// prune drops the answers to questions no longer asked. Conditions look
// only at earlier questions that are asked, so one pass is enough.
func (q *Questionnaire) prune(ans Answers) Answers {
	shown := map[string]bool{}
	for _, qq := range q.Visible(ans) {
		shown[qq.ID] = true
	}
	for id := range ans {
		if !shown[id] && !isNote(id) {
			delete(ans, id)
		}
	}
	return ans
}

// PlaceNote returns the answers with a note still kept for the general
// comment (NoteKey) added to the answer of the last general text question
// asked, once no question is left to ask: what the person wrote is sent
// with the questionnaire, not promised a step that will not come. Words
// kept for one question that was not asked go then (the description of a
// bribe no "yes" asked for is sent nowhere). Without a general question
// the note stays as it is.
func (q *Questionnaire) PlaceNote(ans Answers) Answers {
	if !q.Complete(ans) || !slices.ContainsFunc(slices.Collect(maps.Keys(ans)), isNote) {
		return ans
	}
	out := maps.Clone(ans)
	for id := range out {
		if isNote(id) && id != NoteKey {
			delete(out, id)
		}
	}
	note, ok := out[NoteKey]
	if !ok {
		return out
	}
	vis := q.Visible(out)
	for i := len(vis) - 1; i >= 0; i-- {
		if qq := vis[i]; qq.Type == QuestionText && qq.General {
			a := out[qq.ID]
			a.Text, a.Skipped = qq.AddNote(a.Text, note.Text, false), false
			out[qq.ID] = a
			delete(out, NoteKey)
			return out
		}
	}
	return out
}

// NoteHome returns the text question that words typed at question at,
// beyond its answer or instead of one, are for; ans are the answers with
// at's answer given, when answered. Never a question about something
// else: a complaint typed at a score is not the reason for a second visit,
// nor what the integrity team reads.
//   - A reason typed with an answer goes to the question that answer shows
//     («ні, довелося прийти вдруге» to «why a second visit?»).
//   - Words typed at an integrity question without an answer go to its
//     section's text question, which a "yes" shows: what is told about
//     corruption goes to the integrity team alone, never to the comment
//     staff read. A reason typed with a "no" there goes nowhere.
//   - Anything else goes to a general comment (General) asked already or
//     still to come.
//
// ok is false when the words have no home.
func (q *Questionnaire) NoteHome(ans Answers, at *Question, answered bool) (home *Question, ok bool) {
	vis := q.Visible(ans)
	if answered {
		for _, qq := range vis {
			if qq.Type == QuestionText && q.conditionNames(qq, at.ID) {
				return qq, true
			}
		}
	}
	if s := q.SectionOf(at.ID); s != nil && slices.ContainsFunc(s.Questions, func(qq Question) bool { return qq.Integrity }) {
		for i := range s.Questions {
			if qq := &s.Questions[i]; qq.Type == QuestionText && !answered {
				return qq, true
			}
		}
		return nil, false
	}
	_, decided, _ := q.decided(ans)
	for si := range q.Sections {
		for qi := range q.Sections[si].Questions {
			qq := &q.Sections[si].Questions[qi]
			if qq.General && (slices.Contains(vis, qq) || !decided(qq.ID)) {
				return qq, true
			}
		}
	}
	return nil, false
}

// conditionNames tells whether qq's condition, or its section's, looks at
// question id.
func (q *Questionnaire) conditionNames(qq *Question, id string) bool {
	var names func(c *Condition) bool
	names = func(c *Condition) bool {
		if c == nil {
			return false
		}
		for _, list := range [][]Condition{c.Any, c.All} {
			for i := range list {
				if names(&list[i]) {
					return true
				}
			}
		}
		return c.Question == id
	}
	s := q.SectionOf(qq.ID)
	return names(qq.When) || s != nil && names(s.When)
}

// AddNote joins a text answer and a note kept for it, the note before
// the text when noteFirst (it was typed first), a blank line between.
// The note is shortened, with «…», to keep the whole within the
// question's Limit: the text is what the person has just written.
func (qq *Question) AddNote(text, note string, noteFirst bool) string {
	text, note = strings.TrimSpace(text), strings.TrimSpace(note)
	if text == "" || note == "" {
		note = text + note
		text = ""
	}
	room := qq.Limit()
	if text != "" {
		room -= UTF16Len(text) + 2
	}
	if UTF16Len(note) > room {
		cut, n := []rune(note), 0
		for i, r := range cut {
			if n += utf16Units(r); n > room-1 {
				cut = cut[:i]
				break
			}
		}
		note = strings.TrimSpace(string(cut)) + "…"
		if room < 1 {
			note = ""
		}
	}
	switch {
	case text == "" || note == "":
		return text + note
	case noteFirst:
		return note + "\n\n" + text
	}
	return text + "\n\n" + note
}

func (c *Condition) holds(ans Answers, shown map[string]bool) bool {
	if c == nil {
		return true
	}
	if len(c.Any) > 0 {
		for i := range c.Any {
			if c.Any[i].holds(ans, shown) {
				return true
			}
		}
		return false
	}
	if len(c.All) > 0 {
		for i := range c.All {
			if !c.All[i].holds(ans, shown) {
				return false
			}
		}
		return true
	}
	a, ok := ans[c.Question]
	if !ok || !shown[c.Question] || a.Skipped || a.Pending {
		return false
	}
	if c.AtMost != nil {
		return a.Number != nil && *a.Number <= *c.AtMost
	}
	if c.AtLeast != nil {
		return a.Number != nil && *a.Number >= *c.AtLeast
	}
	for _, want := range c.AnyOf {
		if slices.Contains(a.Choice, want) {
			return true
		}
	}
	return false
}

// Option returns the option with id, if the question has it.
func (qq *Question) Option(id string) (Option, bool) {
	for _, o := range qq.Options {
		if o.ID == id {
			return o, true
		}
	}
	return Option{}, false
}

// Limit is the most characters a text answer may have.
func (qq *Question) Limit() int {
	if qq.MaxLen > 0 {
		return qq.MaxLen
	}
	return DefaultTextLen
}

// Choices are the button choices of a yes/no question.
func (qq *Question) Choices() []string {
	switch qq.Type {
	case QuestionYesNo:
		return []string{ChoiceYes, ChoiceNo}
	case QuestionYesNoNA:
		return []string{ChoiceYes, ChoiceNo, ChoiceNA}
	}
	return nil
}

// answer checks in against the question; prev is the answer so far (a
// multi question's ticked options).
func (qq *Question) answer(prev Answer, in Input, centres []string) (Answer, error) {
	if in.Done && qq.Type != QuestionMulti {
		// Asked again after Back: Done keeps the earlier answer.
		if prev.Pending {
			prev.Pending, prev.Again = false, false
			return prev, nil
		}
		return Answer{}, fmt.Errorf("%w: Done", ErrBadChoice)
	}
	// button is the pressed choice; a typed answer or a photo where a
	// button was expected is an error.
	button := func() (string, error) {
		if in.Choice == "" || in.Text != "" || in.Photo != "" {
			return "", ErrExpectedButton
		}
		return in.Choice, nil
	}
	switch qq.Type {
	case QuestionSingle:
		c, err := button()
		if err != nil {
			return Answer{}, err
		}
		if _, ok := qq.Option(c); !ok {
			return Answer{}, fmt.Errorf("%w: %q", ErrBadChoice, c)
		}
		return Answer{Choice: []string{c}}, nil

	case QuestionMulti:
		ticked := prev.Choice
		if prev.Skipped {
			ticked = nil
		}
		if in.Done {
			if len(ticked) == 0 {
				if qq.Optional {
					return Answer{Skipped: true}, nil
				}
				return Answer{}, fmt.Errorf("%w: nothing ticked", ErrEmpty)
			}
			return Answer{Choice: ticked}, nil
		}
		c, err := button()
		if err != nil {
			return Answer{}, err
		}
		if _, ok := qq.Option(c); !ok {
			return Answer{}, fmt.Errorf("%w: %q", ErrBadChoice, c)
		}
		// Ticked options are kept in the order of the definition.
		var next []string
		for _, o := range qq.Options {
			if slices.Contains(ticked, o.ID) != (o.ID == c) {
				next = append(next, o.ID)
			}
		}
		return Answer{Choice: next, Pending: true, Again: prev.Again}, nil

	case QuestionRating5, QuestionScale10:
		lo, hi := 1, 5
		if qq.Type == QuestionScale10 {
			lo, hi = 0, 10
		}
		s := in.Choice
		if s == "" && in.Photo == "" {
			s = strings.TrimSpace(in.Text) // a typed digit is as good as its button
		}
		n, err := strconv.Atoi(s)
		switch {
		case in.Choice == "" && (err != nil || in.Photo != ""):
			return Answer{}, ErrExpectedButton
		case err != nil || n < lo || n > hi:
			return Answer{}, fmt.Errorf("%w: %q is not %d–%d", ErrBadChoice, s, lo, hi)
		}
		return Answer{Number: &n}, nil

	case QuestionYesNo, QuestionYesNoNA:
		c, err := button()
		if err != nil {
			return Answer{}, err
		}
		if !slices.Contains(qq.Choices(), c) {
			return Answer{}, fmt.Errorf("%w: %q", ErrBadChoice, c)
		}
		return Answer{Choice: []string{c}}, nil

	case QuestionDate:
		if in.Photo != "" {
			return Answer{}, ErrExpectedText
		}
		d, err := visitDate(in)
		if err != nil {
			return Answer{}, err
		}
		return Answer{Text: d.Format(time.DateOnly)}, nil

	case QuestionCentre:
		c, err := button()
		if err != nil {
			return Answer{}, err
		}
		if !slices.Contains(centres, c) {
			return Answer{}, fmt.Errorf("%w: %q", ErrUnknownCentre, c)
		}
		return Answer{Text: c}, nil

	case QuestionText:
		if in.Choice != "" || in.Photo != "" {
			return Answer{}, ErrExpectedText
		}
		t := strings.TrimSpace(in.Text)
		if t == "" {
			return Answer{}, ErrEmpty
		}
		if n := UTF16Len(t); n > qq.Limit() {
			return Answer{}, fmt.Errorf("%w: %d characters, at most %d", ErrTooLong, n, qq.Limit())
		}
		return Answer{Text: t}, nil

	case QuestionPhoto:
		if in.Photo == "" {
			return Answer{}, ErrExpectedPhoto
		}
		return Answer{Text: in.Photo}, nil
	}
	return Answer{}, fmt.Errorf("dialogs: question type %q", qq.Type)
}

var (
	dayMonthNamePattern = regexp.MustCompile(`^(\d{1,2})(?:-?(?:го|е|є))?\s+(\pL+)(?:\s+(\d{4}))?(?:\s*(?:р|року|г|года)\.?)?$`)
	dayMonthPattern     = regexp.MustCompile(`^(\d{1,2})[./](\d{1,2})(?:[./](\d{4}|\d{2}))?$`)
	isoDatePattern      = regexp.MustCompile(`^(\d{4})-(\d{1,2})-(\d{1,2})$`)
)

// visitDate is the date in gives: today, yesterday, or a typed dd.mm.yyyy,
// dd.mm or yyyy-mm-dd, in the DateWindow days up to in.Today.
func visitDate(in Input) (time.Time, error) {
	if in.Today.IsZero() {
		return time.Time{}, errors.New("dialogs: Input.Today is not set")
	}
	y, m, d := in.Today.Date()
	today := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	var date time.Time
	switch {
	case in.Choice == ChoiceToday:
		date = today
	case in.Choice == ChoiceYesterday:
		date = today.AddDate(0, 0, -1)
	case in.Choice != "":
		return time.Time{}, fmt.Errorf("%w: %q", ErrBadChoice, in.Choice)
	default:
		s := strings.TrimSuffix(strings.TrimSpace(in.Text), ".")
		if s == "" {
			return time.Time{}, ErrEmpty
		}
		var ok bool
		if date, ok = parseDate(s, today); !ok {
			return time.Time{}, fmt.Errorf("%w: %q is not a date", ErrBadDate, s)
		}
	}
	if earliest := today.AddDate(0, 0, -DateWindow); date.After(today) || date.Before(earliest) {
		return time.Time{}, &DateOutOfRange{Date: date, Earliest: earliest}
	}
	return date, nil
}

// DateOutOfRange is a date read but not one a visit may have: in the
// future, or before Earliest (DateWindow days ago). It is an ErrBadDate;
// the person is told the date as read («5 березня» is 05.03 of this year)
// rather than that it could not be read.
type DateOutOfRange struct {
	Date, Earliest time.Time
}

func (e *DateOutOfRange) Error() string {
	if e.Date.After(e.Earliest) {
		return fmt.Sprintf("%v: %s is in the future", ErrBadDate, e.Date.Format(time.DateOnly))
	}
	return fmt.Sprintf("%v: %s is more than %d days ago", ErrBadDate, e.Date.Format(time.DateOnly), DateWindow)
}

func (e *DateOutOfRange) Unwrap() error { return ErrBadDate }

// monthNames are the months as staff and dates name them, in Ukrainian and
// Russian: «листопад», «21 листопада», «у листопаді»; «ноябрь», «21
// ноября», «в ноябре».
var monthNames = func() map[string]int {
	m := map[string]int{}
	for i, forms := range []string{
		"січень січня січні январь января январе",
		"лютий лютого лютому февраль февраля феврале",
		"березень березня березні март марта марте",
		"квітень квітня квітні апрель апреля апреле",
		"травень травня травні май мая мае",
		"червень червня червні июнь июня июне",
		"липень липня липні июль июля июле",
		"серпень серпня серпні август августа августе",
		"вересень вересня вересні сентябрь сентября сентябре",
		"жовтень жовтня жовтні октябрь октября октябре",
		"листопад листопада листопаді ноябрь ноября ноябре",
		"грудень грудня грудні декабрь декабря декабре",
	} {
		for _, w := range strings.Fields(forms) {
			m[Fold(w)] = i + 1
		}
	}
	return m
}()

// weekdayForms are the days of the week as typed after «у», «в», «во»
// («у понеділок», «в среду»), folded.
var weekdayForms = func() map[string]time.Weekday {
	m := map[string]time.Weekday{}
	for d, forms := range map[time.Weekday]string{
		time.Monday: "понеділок понеділка понедельник", time.Tuesday: "вівторок вівторка вторник",
		time.Wednesday: "середу середа среду среда", time.Thursday: "четвер четверга четверг",
		time.Friday: "п'ятницю пʼятницю пятницю п'ятниця пятница пятницу", time.Saturday: "суботу субота субботу суббота",
		time.Sunday: "неділю неділя воскресенье",
	} {
		for _, w := range strings.Fields(forms) {
			m[Fold(w)] = d
		}
	}
	return m
}()

// weekdayNamed reads «у понеділок», «в среду» («минулої середи» is not
// read: a week back is not the latest such day).
func weekdayNamed(folded string) (time.Weekday, bool) {
	words := strings.Fields(folded)
	if len(words) == 2 && (words[0] == Fold("у") || words[0] == Fold("в") || words[0] == Fold("во")) {
		words = words[1:]
	}
	if len(words) != 1 {
		return 0, false
	}
	d, ok := weekdayForms[words[0]]
	return d, ok
}

func parseDate(s string, today time.Time) (time.Time, bool) {
	var y, m, d int
	if g := isoDatePattern.FindStringSubmatch(s); g != nil {
		y, _ = strconv.Atoi(g[1])
		m, _ = strconv.Atoi(g[2])
		d, _ = strconv.Atoi(g[3])
	} else if g := dayMonthPattern.FindStringSubmatch(s); g != nil {
		d, _ = strconv.Atoi(g[1])
		m, _ = strconv.Atoi(g[2])
		switch {
		case g[3] == "":
			// dd.mm is the latest such day up to today: 30.12 typed in
			// January is last year's.
			y = today.Year()
			if t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC); t.After(today) {
				y--
			}
		case len(g[3]) == 2:
			y, _ = strconv.Atoi(g[3])
			y += 2000
		default:
			y, _ = strconv.Atoi(g[3])
		}
	} else if f := Fold(s); f == Fold("позавчора") || f == Fold("позавчера") {
		return today.AddDate(0, 0, -2), true
	} else if wd, ok := weekdayNamed(f); ok {
		// «у понеділок», «в среду»: the latest such day up to today.
		return today.AddDate(0, 0, -((int(today.Weekday())-int(wd))+7)%7), true
	} else if g := dayMonthNamePattern.FindStringSubmatch(strings.ToLower(s)); g != nil && monthNames[Fold(g[2])] != 0 {
		// «21 листопада», «21 ноября 2026», «5-го березня»
		d, _ = strconv.Atoi(g[1])
		m = monthNames[Fold(g[2])]
		y = today.Year()
		if g[3] != "" {
			y, _ = strconv.Atoi(g[3])
		} else if t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC); t.After(today) {
			y--
		}
	} else {
		return time.Time{}, false
	}
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	if t.Year() != y || int(t.Month()) != m || t.Day() != d { // 31.02
		return time.Time{}, false
	}
	return t, true
}

// Questionnaire returns the pack's questionnaire of kind (mystery, rating).
func (p *Pack) Questionnaire(kind string) (*Questionnaire, bool) {
	for i := range p.Questionnaires {
		if p.Questionnaires[i].Kind == kind {
			return &p.Questionnaires[i], true
		}
	}
	return nil, false
}

// loadQuestionnaire reads one questionnaire file. Unknown keys are errors,
// so that a misspelt "optional" does not silently make a question required.
func loadQuestionnaire(fsys fs.FS, file string) (Questionnaire, error) {
	raw, err := fs.ReadFile(fsys, file)
	if err != nil {
		return Questionnaire{}, fmt.Errorf("dialogs: %s: %w", file, err)
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(raw, &doc); err != nil {
		return Questionnaire{}, fmt.Errorf("%s: %s", file, strings.TrimPrefix(err.Error(), "yaml: "))
	}
	if len(doc.Content) == 0 {
		return Questionnaire{}, fmt.Errorf("%s: the file is empty", file)
	}
	var q Questionnaire
	dec := yaml.NewDecoder(bytes.NewReader(raw))
	dec.KnownFields(true)
	if err := dec.Decode(&q); err != nil && !errors.Is(err, io.EOF) {
		return Questionnaire{}, yamlError(file, err)
	}

	// Positions: the questionnaire at its first key, each section and
	// question at its own.
	root := doc.Content[0]
	q.Pos = Pos{File: file, Line: root.Line}
	sections := mappingValue(root, "sections")
	for si := range q.Sections {
		s := &q.Sections[si]
		s.Pos = q.Pos
		if sections == nil || si >= len(sections.Content) {
			continue
		}
		sn := sections.Content[si]
		s.Pos = Pos{File: file, Line: sn.Line}
		questions := mappingValue(sn, "questions")
		for qi := range s.Questions {
			s.Questions[qi].Pos = s.Pos
			if questions != nil && qi < len(questions.Content) {
				s.Questions[qi].Pos = Pos{File: file, Line: questions.Content[qi].Line}
			}
		}
	}
	return q, nil
}

func mappingValue(n *yaml.Node, key string) *yaml.Node {
	if n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

var yamlLinePattern = regexp.MustCompile(`^line (\d+): (.*)$`)

// yamlError names file:line for each of yaml's "line N: …" complaints.
func yamlError(file string, err error) error {
	var te *yaml.TypeError
	if !errors.As(err, &te) {
		return fmt.Errorf("%s: %s", file, strings.TrimPrefix(err.Error(), "yaml: "))
	}
	var lines []string
	for _, e := range te.Errors {
		if g := yamlLinePattern.FindStringSubmatch(e); g != nil {
			lines = append(lines, file+":"+g[1]+": "+g[2])
		} else {
			lines = append(lines, file+": "+e)
		}
	}
	return errors.New(strings.Join(lines, "\n"))
}

var (
	questionTypes = map[string]bool{
		QuestionSingle: true, QuestionMulti: true, QuestionRating5: true, QuestionScale10: true,
		QuestionYesNo: true, QuestionYesNoNA: true, QuestionDate: true, QuestionCentre: true,
		QuestionText: true, QuestionPhoto: true,
	}
	questionnaireKinds = []string{KindMystery, KindRating}
)

// validateQuestionnaires checks the pack's questionnaires for Validate,
// reporting through its bad and texts. A pack without questionnaires is an
// FAQ-only pack; one with any has exactly one of each kind.
func validateQuestionnaires(p *Pack, bad func(pos Pos, format string, args ...any), texts func(pos Pos, what string, t Text, limit int, html bool)) {
	if len(p.Questionnaires) > 0 {
		for _, kind := range questionnaireKinds {
			var where []string
			for _, q := range p.Questionnaires {
				if q.Kind == kind {
					where = append(where, q.Pos.String())
				}
			}
			if len(where) != 1 {
				bad(p.Pos, "pack: %d questionnaires of kind %s (%s); want exactly one", len(where), kind, strings.Join(where, ", "))
			}
		}
	}
	ids := map[string]Pos{}
	for i := range p.Questionnaires {
		q := &p.Questionnaires[i]
		if first, dup := ids[q.ID]; dup {
			bad(q.Pos, "questionnaire id %q is used twice (first at %s)", q.ID, first)
		}
		ids[q.ID] = q.Pos
		validateQuestionnaire(q, bad, texts)
	}
}

func validateQuestionnaire(q *Questionnaire, bad func(pos Pos, format string, args ...any), texts func(pos Pos, what string, t Text, limit int, html bool)) {
	what := "questionnaire " + q.ID
	if !itemIDPattern.MatchString(q.ID) {
		bad(q.Pos, "questionnaire id %q: expected %s", q.ID, itemIDPattern)
	}
	if !slices.Contains(questionnaireKinds, q.Kind) {
		bad(q.Pos, "%s: kind %q is not one of %s", what, q.Kind, strings.Join(questionnaireKinds, ", "))
	}
	if q.Version < 1 {
		bad(q.Pos, "%s: version %d; want 1 or more", what, q.Version)
	}
	texts(q.Pos, what+" title", q.Title, MaxTitle, false)
	texts(q.Pos, what+" intro", q.Intro, MaxAnswer, false)
	for _, lang := range slices.Sorted(maps.Keys(q.IntroOperator)) {
		if words := q.IntroOperator[lang]; !strings.Contains(q.Intro[lang], words) || strings.TrimSpace(words) == "" {
			bad(q.Pos, "%s: intro_operator (%s) %q is not words of the intro", what, lang, q.IntroOperator[lang])
		}
	}
	if len(q.Sections) == 0 {
		bad(q.Pos, "%s: no sections", what)
	}

	// order is each question's place, for "refers to an earlier question";
	// section the index of its section.
	order, section := map[string]int{}, map[string]int{}
	sectionIDs := map[string]Pos{}
	criteria := map[string][]string{}
	n := 0
	for si := range q.Sections {
		s := &q.Sections[si]
		if !itemIDPattern.MatchString(s.ID) {
			bad(s.Pos, "%s: section id %q: expected %s", what, s.ID, itemIDPattern)
		}
		if first, dup := sectionIDs[s.ID]; dup {
			bad(s.Pos, "%s: section id %q is used twice (first at %s)", what, s.ID, first)
		}
		sectionIDs[s.ID] = s.Pos
		texts(s.Pos, what+" section "+s.ID+" title", s.Title, MaxTitle, false)
		if len(s.Questions) == 0 {
			bad(s.Pos, "%s: section %s has no questions", what, s.ID)
		}
		if s.When != nil {
			// A section's condition looks at questions of earlier sections.
			checkCondition(q, s.When, s.Pos, what+" section "+s.ID, func(id string) bool { i, ok := section[id]; return ok && i < si }, bad)
		}
		for qi := range s.Questions {
			qq := &s.Questions[qi]
			qwhat := what + " question " + qq.ID
			if !itemIDPattern.MatchString(qq.ID) {
				bad(qq.Pos, "%s: question id %q: expected %s", what, qq.ID, itemIDPattern)
			}
			if _, dup := order[qq.ID]; dup {
				first := q.Question(qq.ID)
				bad(qq.Pos, "%s: question id %q is used twice (first at %s)", what, qq.ID, first.Pos)
			}
			if qq.When != nil {
				checkCondition(q, qq.When, qq.Pos, qwhat, func(id string) bool { _, ok := order[id]; return ok }, bad)
			}
			order[qq.ID], section[qq.ID] = n, si
			n++
			validateQuestion(qq, qwhat, bad, texts)
			if qq.General && slices.ContainsFunc(s.Questions, func(o Question) bool { return o.Integrity }) {
				// Words typed anywhere are added to a general comment: never
				// to what the integrity team alone reads.
				bad(qq.Pos, "%s: general: a question of an integrity section is not a general comment", qwhat)
			}
			if qq.Criterion != "" {
				criteria[qq.Criterion] = append(criteria[qq.Criterion], qq.ID)
			}
		}
	}
	if q.Kind == KindRating {
		for _, c := range Criteria {
			switch ids := criteria[c]; {
			case len(ids) == 0:
				bad(q.Pos, "%s: no question rates criterion %s", what, c)
			case len(ids) > 1:
				bad(q.Pos, "%s: criterion %s is rated by %s; want one question", what, c, strings.Join(ids, ", "))
			}
		}
		for _, s := range q.Sections {
			for _, qq := range s.Questions {
				if qq.Type == QuestionRating5 && qq.Criterion == "" {
					bad(qq.Pos, "%s question %s: a rating5 of the quick rating needs a criterion (%s)", what, qq.ID, strings.Join(Criteria, ", "))
				}
			}
		}
	}
}

func validateQuestion(qq *Question, what string, bad func(pos Pos, format string, args ...any), texts func(pos Pos, what string, t Text, limit int, html bool)) {
	if !questionTypes[qq.Type] {
		bad(qq.Pos, "%s: type %q is not one of single, multi, rating5, scale10, yesno, yesnona, date, centre, text, photo", what, qq.Type)
	}
	texts(qq.Pos, what+" text", qq.Text, MaxQuestionText, false)
	if len(qq.Hint) > 0 {
		texts(qq.Pos, what+" hint", qq.Hint, MaxHint, false)
	}
	choice := qq.Type == QuestionSingle || qq.Type == QuestionMulti
	switch {
	case choice && len(qq.Options) < 2:
		bad(qq.Pos, "%s: a %s question needs at least two options", what, qq.Type)
	case !choice && len(qq.Options) > 0:
		bad(qq.Pos, "%s: options are only for single and multi questions", what)
	}
	seen := map[string]bool{}
	for _, o := range qq.Options {
		if !itemIDPattern.MatchString(o.ID) {
			bad(qq.Pos, "%s: option id %q: expected %s", what, o.ID, itemIDPattern)
		}
		if seen[o.ID] {
			bad(qq.Pos, "%s: option id %q is used twice", what, o.ID)
		}
		seen[o.ID] = true
		texts(qq.Pos, what+" option "+o.ID, o.Text, MaxOptionLabel, false)
	}
	if qq.Type == QuestionText {
		if qq.MaxLen < 0 || qq.MaxLen > MaxTextLen {
			bad(qq.Pos, "%s: max_len %d; want 1–%d (0 or none: %d)", what, qq.MaxLen, MaxTextLen, DefaultTextLen)
		}
	} else if qq.MaxLen != 0 {
		bad(qq.Pos, "%s: max_len is only for text questions", what)
	}
	if qq.Integrity && qq.Type != QuestionYesNo {
		bad(qq.Pos, "%s: integrity is only for yesno questions", what)
	}
	if qq.General && qq.Type != QuestionText {
		bad(qq.Pos, "%s: general is only for text questions", what)
	}
	if qq.Criterion != "" {
		if qq.Type != QuestionRating5 {
			bad(qq.Pos, "%s: criterion is only for rating5 questions", what)
		}
		if !slices.Contains(Criteria, qq.Criterion) {
			bad(qq.Pos, "%s: criterion %q is not one of %s", what, qq.Criterion, strings.Join(Criteria, ", "))
		}
	}
}

// checkCondition reports a condition that names a question not before it
// (earlier says which are), or choices the question cannot have.
func checkCondition(q *Questionnaire, c *Condition, pos Pos, what string, earlier func(id string) bool, bad func(pos Pos, format string, args ...any)) {
	if len(c.Any) > 0 || len(c.All) > 0 {
		if c.Question != "" || len(c.AnyOf) > 0 || c.AtMost != nil || c.AtLeast != nil || len(c.Any) > 0 && len(c.All) > 0 {
			bad(pos, "%s: when: any and all stand alone: not with each other, question, any_of, at_most or at_least", what)
		}
		for _, list := range [][]Condition{c.Any, c.All} {
			for i := range list {
				checkCondition(q, &list[i], pos, what, earlier, bad)
			}
		}
		return
	}
	if c.Question == "" {
		bad(pos, "%s: when: names no question", what)
		return
	}
	ref := q.Question(c.Question)
	switch {
	case ref == nil:
		bad(pos, "%s: when: question %q does not exist", what, c.Question)
		return
	case !earlier(c.Question):
		bad(pos, "%s: when: question %q does not come before it", what, c.Question)
		return
	}
	given := 0
	for _, set := range []bool{len(c.AnyOf) > 0, c.AtMost != nil, c.AtLeast != nil} {
		if set {
			given++
		}
	}
	if given != 1 {
		bad(pos, "%s: when on %s: expected one of any_of, at_most or at_least", what, c.Question)
		return
	}
	if c.AtMost != nil || c.AtLeast != nil {
		bound, name := c.AtMost, "at_most"
		if c.AtLeast != nil {
			bound, name = c.AtLeast, "at_least"
		}
		lo, hi := 1, 5
		switch ref.Type {
		case QuestionRating5:
		case QuestionScale10:
			lo, hi = 0, 10
		default:
			bad(pos, "%s: when: %s needs a rating5 or scale10 question; %s is %s", what, name, c.Question, ref.Type)
			return
		}
		if *bound < lo || *bound > hi {
			bad(pos, "%s: when: %s %d is outside %d–%d", what, name, *bound, lo, hi)
		}
		return
	}
	for _, id := range c.AnyOf {
		switch ref.Type {
		case QuestionSingle, QuestionMulti:
			if _, ok := ref.Option(id); !ok {
				bad(pos, "%s: when: %s has no option %q", what, c.Question, id)
			}
		case QuestionYesNo, QuestionYesNoNA:
			if !slices.Contains(ref.Choices(), id) {
				bad(pos, "%s: when: %s is %s, which cannot be %q", what, c.Question, ref.Type, id)
			}
		default:
			bad(pos, "%s: when: any_of needs a choice or yes/no question; %s is %s", what, c.Question, ref.Type)
			return
		}
	}
}
