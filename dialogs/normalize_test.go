package dialogs

import (
	"reflect"
	"testing"
)

func TestFold(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Об'єкт", "обект"},
		{"обʼєкт", "обект"},
		{"об’єкт", "обект"},
		{"ОБЄКТ", "обект"},
		{"Ёлка, елка!", "елка елка"},
		{"ґанок", "ганок"},
		{"yak zapysatys", "як записатис"},
		{"zhovti nomery", "жовти номери"},
		{"shchodo", "шодо"},
		{"  ТСЦ №8041 ", "тсц 8041"},
		{"видача", "видача"},
		{"выдача", "видача"},
		{"подъезд", "подезд"},
	}
	for _, tt := range tests {
		if got := Fold(tt.in); got != tt.want {
			t.Errorf("Fold(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestTermsMeetAcrossLanguages(t *testing.T) {
	same := [][]string{
		{"записатися", "записаться", "записатись", "запис", "запись", "zapysatysya"},
		{"права", "прав", "prava"},
		{"номери", "номера", "номерів", "nomery"},
		{"іспит", "испит", "ispyt"},
		{"обмін", "обмін", "obmin"},
	}
	for _, group := range same {
		want := Terms(group[0])
		for _, w := range group[1:] {
			if got := Terms(w); !reflect.DeepEqual(got, want) {
				t.Errorf("Terms(%q) = %v, Terms(%q) = %v; want them equal", group[0], want, w, got)
			}
		}
	}
}

func TestTermsDropStopwords(t *testing.T) {
	if got := Terms("Підкажіть, будь ласка, як мені записатися?"); !reflect.DeepEqual(got, Terms("записатися")) {
		t.Errorf("Terms kept stopwords: %v", got)
	}
	if got := Terms("как мне записаться пожалуйста"); !reflect.DeepEqual(got, Terms("записаться")) {
		t.Errorf("Terms kept stopwords: %v", got)
	}
}

func TestLatin(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"Одеса", "Odesa"},
		{"Біла Церква", "Bila Tserkva"},
		{"Знам'янка", "Znamianka"},
		{"Згурівка", "Zghurivka"},
		{"Ізмаїл", "Izmail"},
		{"Їжакевич", "Yizhakevych"},
		{"Яготин", "Yahotyn"},
		{"Кам'янець-Подільський", "Kamianets-Podilskyi"},
		{"Щербухи", "Shcherbukhy"},
		{"Євпаторія", "Yevpatoriia"},
	} {
		if got := Latin(tc.in); got != tc.want {
			t.Errorf("Latin(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
