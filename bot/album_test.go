package bot

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/go-telegram/bot/models"

	"servicebot/bot/bottest"
)

// albumPart is one photo of an album (Telegram's media_group_id), as it
// comes: an update of its own.
func albumPart(group, file, caption string) *models.Message {
	return &models.Message{
		MediaGroupID: group, Caption: caption,
		Photo: []models.PhotoSize{
			{FileID: file + "-small", FileUniqueID: file + "-s", Width: 90, Height: 90},
			{FileID: file, FileUniqueID: file + "-u", Width: 1280, Height: 960},
		},
	}
}

// staffEditsAlbumPart pushes the moderator's edit of the album part they
// posted in the topic as update (staffPost's return) into edited, and
// waits for what it brings.
func (h *harness) staffEditsAlbumPart(update int64, thread int, edited *models.Message) {
	h.t.Helper()
	h.st.DB().QueryRow(`SELECT (payload->'message'->>'message_id')::int FROM inbox WHERE update_id = $1`, update).Scan(&edited.ID)
	now := int(time.Now().Unix())
	edited.Date, edited.EditDate, edited.From = now, now, moderator
	edited.Chat = models.Chat{ID: staffChat, Type: models.ChatTypeSupergroup, Title: "Staff", IsForum: true}
	edited.MessageThreadID, edited.IsTopicMessage = thread, true
	h.srv.Push(models.Update{EditedMessage: edited})
	h.settle()
}

// isAlbum tells whether ms arrived as one album, in the order of files.
func isAlbum(ms []bottest.Message, files ...string) bool {
	if len(ms) != len(files) || ms[0].Album == "" {
		return false
	}
	for i, m := range ms {
		if m.Album != ms[0].Album || m.Media != files[i] {
			return false
		}
	}
	return true
}

// A moderator who answers with several photos at once (an album) is seen
// by the citizen to have sent an album, labelled once, and what they write
// next comes after it. Each photo stays the moderator's: a caption they
// correct is corrected in the citizen's chat.
func TestModeratorAlbumReachesCitizenAsOne(t *testing.T) {
	h := newHarness(t)
	p := person{id: 11961, lang: "uk"}
	topic := h.openTicketFor(p, "Які документи потрібні для заміни посвідчення?")
	n := len(h.srv.Messages(p.id))
	label := h.text.Text("uk", "ticket.operator_label")

	h.staffPost(staffChat, topic.ThreadID, 0, albumPart("scans-1", "scan-1", "Ось зразки заяв"))
	h.staffPost(staffChat, topic.ThreadID, 0, albumPart("scans-1", "scan-2", ""))
	third := h.staffPost(staffChat, topic.ThreadID, 0, albumPart("scans-1", "scan-3", ""))
	h.staffPost(staffChat, topic.ThreadID, 0, &models.Message{Text: "Заповніть першу."})
	ms := h.srv.WaitMessages(t, p.id, n+4, 10*time.Second)[n:]
	if !isAlbum(ms[:3], "scan-1", "scan-2", "scan-3") {
		for _, m := range ms {
			t.Logf("#%d %s %q album %q: %q", m.ID, m.Method, m.Media, m.Album, m.Text)
		}
		t.Fatal("the citizen did not get the three photos as one album, in order")
	}
	if ms[0].Text != label+" Ось зразки заяв" || ms[1].Text != "" || ms[2].Text != "" {
		t.Errorf("the album's captions: %q, %q, %q; want the label once, at the head of the caption", ms[0].Text, ms[1].Text, ms[2].Text)
	}
	if ms[3].Text != label+" Заповніть першу." || ms[3].Album != "" {
		t.Errorf("after the album the citizen got %q", ms[3].Text)
	}

	// The moderator captions the third photo after all.
	h.staffEditsAlbumPart(third, topic.ThreadID, albumPart("scans-1", "scan-3", "А це зворот"))
	ms = h.srv.Messages(p.id)[n:]
	if len(ms) != 4 || ms[2].Text != label+" А це зворот" || ms[2].Edits != 1 {
		t.Errorf("the third photo after its caption was added: %q (%d edits, %d messages)", ms[2].Text, ms[2].Edits, len(ms))
	}
	h.noRejects()
}

// A citizen who sends several photos at once into their request: the
// moderators see an album in the request's topic, not photo after photo.
func TestCitizenAlbumReachesTopicAsOne(t *testing.T) {
	h := newHarness(t)
	p := person{id: 11962, lang: "uk"}
	topic := h.openTicketFor(p, "Чи підійдуть такі фото на посвідчення?")
	n := len(inThread(h.srv.Messages(staffChat), topic.ThreadID))
	for i := range 3 {
		caption := ""
		if i == 0 {
			caption = "Ось мої фото"
		}
		m := albumPart("mine-1", fmt.Sprintf("selfie-%d", i+1), caption)
		m.Date, m.From = int(time.Now().Unix()), p.user()
		m.Chat = models.Chat{ID: p.id, Type: models.ChatTypePrivate, FirstName: "Олена"}
		h.srv.Push(models.Update{Message: m})
	}
	h.says(p, "Чекаю відповіді")
	h.settle()
	ms := inThread(h.srv.Messages(staffChat), topic.ThreadID)[n:]
	if len(ms) != 4 || !isAlbum(ms[:3], "selfie-1", "selfie-2", "selfie-3") || ms[0].Text != "Ось мої фото" || ms[3].Text != "Чекаю відповіді" {
		for _, m := range ms {
			t.Logf("#%d %s %q album %q: %q", m.ID, m.Method, m.Media, m.Album, m.Text)
		}
		t.Fatal("the topic did not get the citizen's three photos as one album, and their words after it")
	}
	h.noRejects()
}

// A reporter who adds several photos at once to their report: the
// integrity team sees them as one album under the report's card, its
// number at the head of the album's caption.
func TestReporterAlbumReachesIntegrityChatAsOne(t *testing.T) {
	h := newIntegrityHarness(t)
	r := h.reporter(11963)
	r.says("/start")
	h.settle()
	card := r.fileAnonymousReport("Біля ТСЦ 8041 посередник пропонує «швидкий» іспит за гроші")
	n := len(h.srv.Messages(integrityChat))
	for i := range 3 {
		caption := ""
		if i == 0 {
			caption = "Його оголошення"
		}
		r.send(*albumPart("ads-1", fmt.Sprintf("ad-%d", i+1), caption))
	}
	h.settle()
	ms := h.srv.Messages(integrityChat)[n:]
	if !isAlbum(ms, "ad-1", "ad-2", "ad-3") || !strings.Contains(ms[0].Text, "№1") || !strings.Contains(ms[0].Text, "Його оголошення") ||
		ms[1].Text != "" || ms[0].ReplyTo != card.ID {
		for _, m := range ms {
			t.Logf("#%d %s %q album %q reply %d: %q", m.ID, m.Method, m.Media, m.Album, m.ReplyTo, m.Text)
		}
		t.Fatal("the integrity chat did not get the three photos as one album under the card")
	}
	// The reporter is told once that the album was added, not per photo.
	added := 0
	for _, m := range h.srv.Messages(r.u.ID) {
		if strings.HasPrefix(m.Text, h.text.Text("uk", "report.passed", map[string]any{"ID": 1})) {
			added++
		}
	}
	if added != 1 {
		t.Errorf("the reporter was told %d times that the album was added; want once", added)
	}
	// A citizen's album with nothing going on gets one hint, not three.
	p := person{id: 11964, lang: "uk"}
	h.says(p, "/start")
	h.settle()
	n = len(h.srv.Messages(p.id))
	for i := range 3 {
		m := albumPart("mine-2", fmt.Sprintf("mine-%d", i+1), "")
		m.Date, m.From = int(time.Now().Unix()), p.user()
		m.Chat = models.Chat{ID: p.id, Type: models.ChatTypePrivate, FirstName: "Олена"}
		h.srv.Push(models.Update{Message: m})
	}
	h.settle()
	if got := h.srv.Messages(p.id)[n:]; len(got) != 1 {
		t.Errorf("a citizen's album of three got %d replies; want one", len(got))
	}
	h.noRejects()
}

// A photo or an album captioned «//…» is a note among staff, as a text is:
// in a request's topic nothing of it reaches the citizen (the album's
// other parts, which carry no caption, neither); replying so to a report's
// card in the integrity chat, nothing reaches the reporter.
func TestCaptionedNotesStayWithStaff(t *testing.T) {
	h := newHarnessWith(t, []models.Chat{{ID: integrityChat, Type: models.ChatTypeSupergroup, Title: "Integrity"}},
		func(c *Config) { c.IntegrityChatID = integrityChat })
	p := person{id: 11971, lang: "uk"}
	topic := h.openTicketFor(p, "Які документи потрібні для заміни посвідчення?")
	n := len(h.srv.Messages(p.id))
	h.staffPost(staffChat, topic.ThreadID, 0, albumPart("notes-1", "note-1", "// скани для колег, не для громадянина"))
	h.staffPost(staffChat, topic.ThreadID, 0, albumPart("notes-1", "note-2", ""))
	h.staffPost(staffChat, topic.ThreadID, 0, albumPart("notes-1", "note-3", ""))
	h.staffPost(staffChat, topic.ThreadID, 0, &models.Message{Text: "Потрібні паспорт і старе посвідчення."})
	ms := h.srv.WaitMessages(t, p.id, n+1, 10*time.Second)
	h.settle()
	ms = h.srv.Messages(p.id)[n:]
	if len(ms) != 1 || ms[0].Media != "" || !strings.Contains(ms[0].Text, "Потрібні паспорт") {
		for _, m := range ms {
			t.Logf("#%d %s %q album %q: %q", m.ID, m.Method, m.Media, m.Album, m.Text)
		}
		t.Errorf("the citizen got %d messages after a «//» album; want the answer alone", len(ms))
	}

	// The caption on a later photo: the photos before it stay too.
	n = len(h.srv.Messages(p.id))
	h.staffPost(staffChat, topic.ThreadID, 0, albumPart("notes-2", "late-1", ""))
	h.staffPost(staffChat, topic.ThreadID, 0, albumPart("notes-2", "late-2", ""))
	h.staffPost(staffChat, topic.ThreadID, 0, albumPart("notes-2", "late-3", "// внутрішнє"))
	h.staffPost(staffChat, topic.ThreadID, 0, &models.Message{Text: "Ще одне: візьміть копію."})
	h.srv.WaitMessages(t, p.id, n+1, 10*time.Second)
	h.settle()
	time.Sleep(1500 * time.Millisecond) // past an album's hold
	h.settle()
	ms = h.srv.Messages(p.id)[n:]
	if len(ms) != 1 || ms[0].Media != "" {
		for _, m := range ms {
			t.Logf("#%d %s %q album %q: %q", m.ID, m.Method, m.Media, m.Album, m.Text)
		}
		t.Errorf("the citizen got %d messages after an album captioned «//» on its last photo; want the answer alone", len(ms))
	}

	r := h.reporter(11972)
	r.says("/start")
	h.settle()
	card := r.fileAnonymousReport("Біля ТСЦ 8041 посередник пропонує «швидкий» іспит за гроші")
	m := len(h.srv.Messages(r.u.ID))
	photo := albumPart("", "cam-1", "// фото з камери, знайомий касир")
	h.staffPost(integrityChat, 0, card.ID, photo)
	h.settle()
	for _, got := range h.srv.Messages(r.u.ID)[m:] {
		t.Errorf("the reporter got %q (%s) after a «//» photo among staff", got.Text, got.Method)
	}
	// An album replied to the card with «//» on its later photo: none of
	// it reaches the reporter.
	h.staffPost(integrityChat, 0, card.ID, albumPart("cams-2", "cam-2", ""))
	h.staffPost(integrityChat, 0, card.ID, albumPart("cams-2", "cam-3", "// для своїх"))
	h.settle()
	time.Sleep(1500 * time.Millisecond) // past an album's hold
	h.settle()
	for _, got := range h.srv.Messages(r.u.ID)[m:] {
		t.Errorf("the reporter got %q (%s) after an album captioned «//» on its last photo", got.Text, got.Method)
	}
	h.noRejects()
}

// A moderator's album the citizen got, turned into a note afterwards
// («// Скани з іншої справи» in its caption): «🗑» deletes every photo of
// it in the citizen's chat, not only the captioned one, and says how many
// went.
func TestUnsendingAnAlbumDeletesEveryPhoto(t *testing.T) {
	h := newHarness(t)
	p := person{id: 11965, lang: "uk"}
	topic := h.openTicketFor(p, "Які документи потрібні для заміни посвідчення?")
	n := len(h.srv.Messages(p.id))
	first := h.staffPost(staffChat, topic.ThreadID, 0, albumPart("other-1", "other-1", "Скани"))
	h.staffPost(staffChat, topic.ThreadID, 0, albumPart("other-1", "other-2", ""))
	h.staffPost(staffChat, topic.ThreadID, 0, albumPart("other-1", "other-3", ""))
	got := h.srv.WaitMessages(t, p.id, n+3, 10*time.Second)[n:]
	h.settle()

	h.staffEditsAlbumPart(first, topic.ThreadID, albumPart("other-1", "other-1", "// Скани з іншої справи"))
	notice := lastInThread(h, topic.ThreadID)
	if len(notice.Buttons()) != 1 || len(notice.Buttons()[0]) != 1 {
		t.Fatalf("the moderator was told %q with %v", notice.Text, notice.Buttons())
	}
	h.staffTaps(moderator, notice, notice.Buttons()[0][0].CallbackData)
	for _, m := range h.srv.Messages(p.id) {
		for _, sent := range got {
			if m.ID == sent.ID {
				t.Errorf("the citizen still has the album's %s", m.Media)
			}
		}
	}
	notice = lastInThread(h, topic.ThreadID)
	if want := h.text.Count("uk", "desk.unsent_album", 3, nil); notice.Text != want || len(notice.Buttons()) != 0 {
		t.Errorf("after 🗑 the notice reads %q with %v; want %q", notice.Text, notice.Buttons(), want)
	}
	h.noRejects()
}

// A citizen who corrects the caption of a photo they sent into their
// request (one of an album, or one on its own): the moderators' copy in
// the topic reads the corrected caption, as a corrected text does.
func TestCitizenCaptionEditReachesTopic(t *testing.T) {
	h := newHarness(t)
	p := person{id: 11966, lang: "uk"}
	topic := h.openTicketFor(p, "Чи підійдуть такі фото на посвідчення?")
	n := len(inThread(h.srv.Messages(staffChat), topic.ThreadID))
	send := func(m *models.Message) int64 {
		m.Date, m.From = int(time.Now().Unix()), p.user()
		m.Chat = models.Chat{ID: p.id, Type: models.ChatTypePrivate, FirstName: "Олена"}
		return h.srv.Push(models.Update{Message: m})
	}
	first := send(albumPart("mine-3", "selfie-1", "Ось мої фото"))
	send(albumPart("mine-3", "selfie-2", ""))
	single := send(albumPart("", "selfie-3", "А це для паспорта"))
	h.settle()
	edit := func(update int64, m *models.Message) {
		h.st.DB().QueryRow(`SELECT (payload->'message'->>'message_id')::int FROM inbox WHERE update_id = $1`, update).Scan(&m.ID)
		now := int(time.Now().Unix())
		m.Date, m.EditDate, m.From = now, now, p.user()
		m.Chat = models.Chat{ID: p.id, Type: models.ChatTypePrivate, FirstName: "Олена"}
		h.srv.Push(models.Update{EditedMessage: m})
	}
	edit(first, albumPart("mine-3", "selfie-1", "Ось мої фото; друге — без окулярів"))
	edit(single, albumPart("", "selfie-3", "А це для закордонного паспорта"))
	h.settle()
	ms := inThread(h.srv.Messages(staffChat), topic.ThreadID)[n:]
	if len(ms) != 3 || ms[0].Text != "Ось мої фото; друге — без окулярів" || ms[2].Text != "А це для закордонного паспорта" {
		for _, m := range ms {
			t.Logf("#%d %s %q album %q edits %d: %q", m.ID, m.Method, m.Media, m.Album, m.Edits, m.Text)
		}
		t.Error("the topic does not read the citizen's corrected captions")
	}
	h.noRejects()
}
