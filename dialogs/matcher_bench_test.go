package dialogs

import (
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"
)

// What the bot does for every message that is not a command: how long Ask
// takes on the real pack and on one ten times larger than any we ship, and
// how long building the index takes (once per FAQ change).
//
//	go test -run x -bench . -benchmem ./dialogs/

func BenchmarkAskHSC(b *testing.B) {
	p, err := LoadShippedPack("hsc")
	if err != nil {
		b.Fatal(err)
	}
	if len(p.Entries) == 0 {
		b.Skip("the hsc pack has no faq.yaml yet")
	}
	ix := NewIndex(p.Entries, p.Matching)
	queries := hscQueries(b)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		ix.Ask(queries[i%len(queries)])
	}
}

func BenchmarkAsk2000(b *testing.B) {
	entries, queries := generatedFAQ(2000)
	ix := NewIndex(entries, Matching{})
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		ix.Ask(queries[i%len(queries)])
	}
}

// BenchmarkAsk2000P99 reports the spread as well as the mean: one slow
// question (a long one, full of typos) is what a person waits on.
func BenchmarkAsk2000P99(b *testing.B) {
	entries, queries := generatedFAQ(2000)
	ix := NewIndex(entries, Matching{})
	took := make([]time.Duration, 0, 1<<16)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		start := time.Now()
		ix.Ask(queries[i%len(queries)])
		took = append(took, time.Since(start))
	}
	b.StopTimer()
	slices.Sort(took)
	at := func(q float64) float64 { return float64(took[int(q*float64(len(took)-1))].Nanoseconds()) }
	b.ReportMetric(at(0.50), "p50-ns")
	b.ReportMetric(at(0.99), "p99-ns")
	b.ReportMetric(float64(took[len(took)-1].Nanoseconds()), "max-ns")
}

// BenchmarkAskLongWord is one 4,096-letter word (issue 16): it must cost
// about what a short question does, not scale with its length.
func BenchmarkAskLongWord(b *testing.B) {
	p, err := LoadShippedPack("hsc")
	if err != nil {
		b.Fatal(err)
	}
	ix := NewIndex(p.Entries, p.Matching)
	word := strings.Repeat("перереєстрація", 300)[:4096]
	b.ReportAllocs()
	for b.Loop() {
		ix.Ask(word)
	}
}

func BenchmarkNewIndexHSC(b *testing.B) {
	p, err := LoadShippedPack("hsc")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		NewIndex(p.Entries, p.Matching)
	}
}

func BenchmarkNewIndex2000(b *testing.B) {
	entries, _ := generatedFAQ(2000)
	b.ReportAllocs()
	for b.Loop() {
		NewIndex(entries, Matching{})
	}
}

// hscQueries are the questions of testdata/hsc_queries.yaml, else a fixed
// list of the same kind.
func hscQueries(b *testing.B) []string {
	raw, err := os.ReadFile("testdata/hsc_queries.yaml")
	if errors.Is(err, fs.ErrNotExist) {
		return fallbackHSCQueries
	}
	if err != nil {
		b.Fatal(err)
	}
	var cases []struct {
		Q string `yaml:"q"`
	}
	if err := yaml.Unmarshal(raw, &cases); err != nil {
		b.Fatalf("testdata/hsc_queries.yaml: %v", err)
	}
	out := make([]string, 0, len(cases))
	for _, c := range cases {
		if c.Q != "" {
			out = append(out, c.Q)
		}
	}
	if len(out) == 0 {
		return fallbackHSCQueries
	}
	return out
}

var fallbackHSCQueries = []string{
	"як записатися в сервісний центр",
	"як записатись в тсц онлайн",
	"zapys do tsc onlain",
	"как записаться в сервисный центр мвд",
	"запис в чергу не працює що робити",
	"як скасувати талон в е-записі",
	"скільки коштує заміна прав",
	"сколько стоит обмен водительского удостоверения",
	"загубив права що робити",
	"потерял водительское как восстановить",
	"як поміняти посвідченя водія через дію",
	"обмін прав в дії",
	"де здати теорію на права",
	"где сдать экзамен по вождению",
	"скільки разів можна перездати практичний іспит",
	"перереєстрація авто після купівлі",
	"перерегистрация машины после покупки",
	"як зареєструвати авто з польщі",
	"номерні знаки купити індивідуальні",
	"хочу красивые номера на машину",
	"графік роботи сервісного центру в суботу",
	"до которого часа работает тсц",
	"чи працює сц під час тривоги",
	"які документи потрібні для реєстрації машини",
	"какие документы нужны на права впервые",
	"огляд авто експертна служба",
	"вимагають хабар в сервісному центрі куди скаржитись",
	"продают талоны в телеграме это законно",
	"мобільний сервісний центр приїде в село",
	"погода в києві завтра",
}

// generatedFAQ builds an n-entry FAQ from a few hundred words people use
// with service centres, in Ukrainian and Russian, with six phrasings an
// entry, and questions that pick up an entry's words with a typo or two,
// mixed with questions about nothing in it. The same n gives the same FAQ.
func generatedFAQ(n int) ([]Entry, []string) {
	entries, queries, _ := labelledFAQ(n)
	return entries, queries
}

// labelledFAQ is generatedFAQ with the entry each question was made
// from ("" for the questions about nothing in it).
func labelledFAQ(n int) (entries []Entry, queries, want []string) {
	rng := rand.New(rand.NewPCG(2024, 11))
	uk, ru := strings.Fields(ukWords), strings.Fields(ruWords)
	pick := func(words []string, k int) []string {
		out := make([]string, k)
		for i := range out {
			out[i] = words[rng.IntN(len(words))]
		}
		return out
	}
	// some phrases keep the question's words, shuffled and cut, with a typo
	rephrase := func(words []string) string {
		w := slices.Clone(words)
		rng.Shuffle(len(w), func(i, j int) { w[i], w[j] = w[j], w[i] })
		w = w[:2+rng.IntN(len(w)-1)]
		if rng.IntN(2) == 0 {
			i := rng.IntN(len(w))
			w[i] = typo(rng, w[i])
		}
		return strings.Join(w, " ")
	}

	entries = make([]Entry, n)
	for i := range entries {
		qUK, qRU := pick(uk, 4+rng.IntN(3)), pick(ru, 4+rng.IntN(3))
		e := Entry{
			ID:       fmt.Sprintf("gen_%04d", i),
			Category: fmt.Sprintf("cat_%02d", i%20),
			Question: Text{"uk": strings.Join(qUK, " ") + "?", "ru": strings.Join(qRU, " ") + "?"},
			Answer:   Text{"uk": "Відповідь.", "ru": "Ответ."},
		}
		e.Phrasings = map[string][]string{}
		for range 3 {
			e.Phrasings["uk"] = append(e.Phrasings["uk"], rephrase(qUK))
			e.Phrasings["ru"] = append(e.Phrasings["ru"], rephrase(qRU))
		}
		entries[i] = e
		if i%4 == 0 {
			words := qUK
			if rng.IntN(2) == 0 {
				words = qRU
			}
			queries = append(queries, rephrase(words)+" "+rephrase(words))
			want = append(want, e.ID)
		}
	}
	off := strings.Fields(offTopicWords)
	for range len(queries) / 10 {
		queries = append(queries, strings.Join(pick(off, 2+rng.IntN(4)), " "))
		want = append(want, "")
	}
	rng.Shuffle(len(queries), func(i, j int) {
		queries[i], queries[j] = queries[j], queries[i]
		want[i], want[j] = want[j], want[i]
	})
	return entries, queries, want
}

// typo deletes, doubles, swaps or replaces one letter, as thumbs do.
func typo(rng *rand.Rand, w string) string {
	r := []rune(w)
	if len(r) < 4 {
		return w
	}
	i := 1 + rng.IntN(len(r)-2)
	switch rng.IntN(4) {
	case 0:
		r = slices.Delete(r, i, i+1)
	case 1:
		r = slices.Insert(r, i, r[i])
	case 2:
		r[i], r[i+1] = r[i+1], r[i]
	default:
		r[i] = []rune("аоеиіуяю")[rng.IntN(8)]
	}
	return string(r)
}

const ukWords = `
	посвідчення водія права обмін заміна відновлення втрата крадіжка видача дублікат
	реєстрація перереєстрація зняття облік автомобіль машина авто мотоцикл причіп
	вантажівка автобус транспортний засіб номер номерний знак індивідуальний
	свідоцтво техпаспорт паспорт довіреність договір купівля продаж дарування спадщина
	іспит теоретичний практичний теорія практика автодром маршрут інструктор автошкола
	категорія медична довідка фото підпис черга запис талон електронна онлайн термінал
	скасування перенесення ліміт відмова оплата вартість ціна гривень квитанція реквізити
	банк картка готівка комісія штраф збір податок пенсійний митниця розмитнення
	ввезення польща німеччина литва європа україна київ львів харків одеса дніпро
	сервісний центр тсц мвс головний регіональний територіальний мобільний громада
	село місто область район адреса графік субота неділя понеділок вихідний
	обідня перерва тривога укриття світло генератор інвалідність пільга ветеран учасник
	бойових дій пенсіонер дитина студент військовий мобілізація відстрочка тцк
	експертна служба огляд звірка vin номер кузова двигун колір переобладнання
	газ гбо тюнінг тонування фари страховка поліс осаго зелена карта
	дія застосунок смартфон цифровий код qr сайт кабінет особистий електронний підпис
	хабар корупція шахрай скарга гаряча лінія поліція двб бездіяльність грубість
	оцінка відгук таємний клієнт анкета якість обслуговування персонал адміністратор
	документи копія оригінал нотаріус перекладач іноземець посвідка проживання
	термін дії прострочений закінчився продовження строк днів тижнів місяців років
	швидко терміново сьогодні завтра зараз можливо потрібно обов'язково
	записатися отримати замінити відновити зареєструвати продати купити оформити
	здати перездати скасувати перенести оплатити повернути забрати прийти зателефонувати
`

const ruWords = `
	водительское удостоверение права обмен замена восстановление утеря кража выдача дубликат
	регистрация перерегистрация снятие учёт автомобиль машина авто мотоцикл прицеп
	грузовик автобус транспортное средство номер номерной знак индивидуальный
	свидетельство техпаспорт паспорт доверенность договор купля продажа дарение наследство
	экзамен теоретический практический теория практика автодром маршрут инструктор автошкола
	категория медицинская справка фото подпись очередь запись талон электронная онлайн терминал
	отмена перенос лимит отказ оплата стоимость цена рублей квитанция реквизиты
	банк карта наличные комиссия штраф сбор налог пошлина госпошлина таможня растаможка
	ввоз польша германия литва европа россия москва петербург казань новосибирск екатеринбург
	мфц мои документы госуслуги многофункциональный центр окно оператор филиал
	село город область район адрес график суббота воскресенье понедельник выходной
	обеденный перерыв инвалидность льгота ветеран пенсионер ребёнок студент военный
	снилс инн полис омс загранпаспорт прописка регистрация по месту жительства
	материнский капитал пособие выплата пенсия субсидия справка о несудимости
	выписка егрн недвижимость квартира дом участок собственность кадастровый
	загс свидетельство о рождении брак развод смерть опека усыновление
	взятка коррупция мошенник жалоба горячая линия прокуратура грубость бездействие
	оценка отзыв тайный покупатель анкета качество обслуживания персонал сотрудник
	документы копия оригинал нотариус переводчик иностранец патент вид на жительство
	срок действия просрочен закончился продление дней недель месяцев лет
	быстро срочно сегодня завтра сейчас возможно нужно обязательно
	записаться получить заменить восстановить зарегистрировать продать купить оформить
	сдать пересдать отменить перенести оплатить вернуть забрать прийти позвонить
`

// offTopicWords are what people also send a service centre's bot.
const offTopicWords = `
	погода дощ сніг температура курс долара євро біткоїн футбол матч рахунок
	рецепт борщ піца кіно серіал музика концерт квиток потяг літак таксі
	погода дождь снег температура курс доллара евро биткоин футбол матч счёт
	рецепт борщ пицца кино сериал музыка концерт билет поезд самолёт такси
	привіт бот дякую ок лол хаха привет спасибо ладно
`
