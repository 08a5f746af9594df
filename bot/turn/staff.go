package turn

import "servicebot/dialogs"

// StaffLang is the language of the staff chat: the pack's first.
func (a *Env) StaffLang() string { return a.Pack.Languages[0] }

// StaffText is a text in the staff's language.
//
// Every staff text may name the pack's example centre, so that a usage
// line shows one of this deployment's centres: {{.ExampleNumber}} (""
// where centres have no numbers), {{.ExampleTown}}, and {{.ExampleDistrict}}
// ("" unless the example is found by its district, as Moscow's offices are).
func (a *Env) StaffText(id string, data ...map[string]any) string {
	td := a.centreExample(a.StaffLang())
	if len(data) > 0 {
		for k, v := range data[0] {
			td[k] = v
		}
	}
	return a.Text.Text(a.StaffLang(), id, td)
}

// centreExample names the pack's first centre with a number (the MVS
// centres) or, where none has one, its first with a district (Moscow's
// offices, all in one city), as /stats finds them.
func (a *Env) centreExample(lang string) map[string]any {
	td := map[string]any{"ExampleNumber": "", "ExampleTown": "", "ExampleDistrict": ""}
	if a.Pack == nil || len(a.Pack.Centres) == 0 {
		return td
	}
	pick := func(ok func(dialogs.Centre) bool) (dialogs.Centre, bool) {
		for _, c := range a.Pack.Centres {
			if ok(c) {
				return c, true
			}
		}
		return dialogs.Centre{}, false
	}
	c, ok := pick(func(c dialogs.Centre) bool { return c.Number != "" })
	if !ok {
		if c, ok = pick(func(c dialogs.Centre) bool { return a.Pack.Local(c.District, lang) != "" }); !ok {
			c = a.Pack.Centres[0]
		}
		td["ExampleDistrict"] = a.Pack.Local(c.District, lang)
	}
	td["ExampleNumber"] = c.Number
	td["ExampleTown"] = a.Pack.Local(c.City, lang)
	return td
}

// StaffIsForum reports whether the staff chat has topics (one per ticket).
func (a *Env) StaffIsForum() bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.staffForum
}

// WakeReviews tells the review poster a questionnaire was sent.
func (a *Env) WakeReviews() {
	select {
	case a.review <- struct{}{}:
	default:
	}
}
