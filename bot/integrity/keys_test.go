package integrity

import (
	"bytes"
	"testing"
)

// A link sealed with the current key opens after a new key is put in front
// of it (rotation), only for its own report, and not with another key.
func TestReporterKeysSealOpenAndRotate(t *testing.T) {
	old := bytes.Repeat([]byte{1}, 32)
	k1, err := newReporterKeys([][]byte{old}, "")
	if err != nil {
		t.Fatal(err)
	}
	box, tag := k1.sealReporter(11701, 5)
	k2, err := newReporterKeys([][]byte{bytes.Repeat([]byte{2}, 32), old}, "")
	if err != nil {
		t.Fatal(err)
	}
	if id, err := k2.openReporter(box, 5); err != nil || id != 11701 {
		t.Errorf("after rotation: %d, %v", id, err)
	}
	if !k2.owns(tag, 11701, 5) || k2.owns(tag, 11702, 5) || k2.owns(tag, 11701, 6) {
		t.Error("the tag does not tell the person's own report")
	}
	if _, err := k2.openReporter(box, 6); err == nil {
		t.Error("a box opened for another report")
	}
	other, _ := newReporterKeys([][]byte{bytes.Repeat([]byte{3}, 32)}, "")
	if _, err := other.openReporter(box, 5); err == nil {
		t.Error("a box opened with a key that did not seal it")
	}
	// Without INTEGRITY_KEY the key comes from the token: the same token
	// opens what it sealed.
	a, _ := newReporterKeys(nil, "123:abc")
	b, _ := newReporterKeys(nil, "123:abc")
	box, _ = a.sealReporter(7, 1)
	if id, err := b.openReporter(box, 1); err != nil || id != 7 {
		t.Errorf("a token-derived key: %d, %v", id, err)
	}
	if _, err := newReporterKeys([][]byte{[]byte("short")}, ""); err == nil {
		t.Error("a key of 5 bytes was taken")
	}
}
