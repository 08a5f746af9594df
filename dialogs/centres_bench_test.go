package dialogs

import "testing"

// The finders run on every message at a centre step; with 145 centres they
// must stay far below a turn's database time.

func BenchmarkFindCentresTown(b *testing.B) {
	p := hscPack(b)
	for b.Loop() {
		p.FindCentres("Одесса")
	}
}

func BenchmarkFindCentresNumber(b *testing.B) {
	p := hscPack(b)
	for b.Loop() {
		p.FindCentres("5154")
	}
}

func BenchmarkNearest(b *testing.B) {
	p := hscPack(b)
	for b.Loop() {
		p.Nearest(46.4689, 30.7410, 3)
	}
}

func BenchmarkCentresAsked(b *testing.B) {
	p := hscPack(b)
	for b.Loop() {
		p.CentresAsked("коли працює тсц в ізмаїлі")
	}
}
