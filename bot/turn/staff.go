package turn

// StaffLang is the language of the staff chat: the pack's first.
func (a *Env) StaffLang() string { return a.Pack.Languages[0] }

// StaffText is a text in the staff's language.
func (a *Env) StaffText(id string, data ...map[string]any) string {
	return a.Text.Text(a.StaffLang(), id, data...)
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
