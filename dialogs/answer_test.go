package dialogs

import "testing"

func TestWithoutCommand(t *testing.T) {
	for _, c := range []struct{ name, in, want string }{
		{"no mention", "Не платите.\n\n• Сохраните доказательства.", "Не платите.\n\n• Сохраните доказательства."},
		{"a bullet of its own",
			"Не платите.\n\n• Сообщите через этот бот: /report — опишите, что произошло.\n• Сохраните доказательства.",
			"Не платите.\n\n• Сохраните доказательства."},
		{"the last bullet: the list ends on a full stop",
			"<b>Куда сообщить:</b>\n• горячая линия ДВБ — контакты на сайте;\n• в этом боте — команда /report: опишите, где и когда.\n\nСохраните доказательства.",
			"<b>Куда сообщить:</b>\n• горячая линия ДВБ — контакты на сайте.\n\nСохраните доказательства."},
		{"a paragraph of its own",
			"Возьмите талон.\n\nПро хабар — /report.\n\nЕщё абзац.",
			"Возьмите талон.\n\nЕщё абзац."},
		{"the last line", "⚠️ Это коррупционная схема.\nСообщите через /report.", "⚠️ Это коррупционная схема."},
		{"tags open across lines are kept", "<i>Сообщите через /report\nили иначе.</i>", "<i>Сообщите через /report\nили иначе.</i>"},
		{"another command", "Смотрите /reports и a/report.", "Смотрите /reports и a/report."},
	} {
		if got := WithoutCommand(c.in, "/report"); got != c.want {
			t.Errorf("%s:\n got %q\nwant %q", c.name, got, c.want)
		}
	}
}
