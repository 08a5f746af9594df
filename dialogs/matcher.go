package dialogs

import (
	"math"
	"sort"
	"strings"
	"sync"
)

// Index finds FAQ entries for what a person typed. It is built once per
// version of the FAQ and then read by any number of goroutines.
//
// Every question and phrasing, in every language, is a document of folded
// stems. A query's stems are looked up exactly, then, when unknown, as a
// typo (one edit away) or a prefix of a known stem. A document scores by
// how much of the query it covers and how much of itself the query covers,
// both weighted by inverse document frequency (rare words count more); an
// entry scores as its best document.
type Index struct {
	entries []string           // entry ids
	docs    []doc              // questions and phrasings
	terms   map[string]int32   // stem → term id
	idf     []float32          // per term
	posts   [][]int32          // term → docs holding it
	deletes map[string][]int32 // a stem with one letter deleted → term ids, for typos
	stems   []string           // term id → stem
	maxIDF  float32

	scratchPool sync.Pool // *scratch, per-query working space
}

// scratch is per-query working space, sized to the index.
type scratch struct {
	matched []float32 // per doc
	docs    []int32   // docs touched
	best    []float64 // per entry
	entries []int32   // entries touched
}

func (ix *Index) scratch() *scratch {
	if sc, ok := ix.scratchPool.Get().(*scratch); ok {
		return sc
	}
	return &scratch{matched: make([]float32, len(ix.docs)), best: make([]float64, len(ix.entries))}
}

type doc struct {
	entry  int32
	weight float32 // sum of the idf of its distinct terms
}

// Thresholds for a Result. Confident answers are given at once; middling
// ones are offered as suggestions. Tuned on dialogs/testdata (a sweep over
// the three: these give no off-topic answers and the most right ones).
const (
	AnswerAt  = 0.62
	SuggestAt = 0.25
	margin    = 0.03
)

// Match is an entry and how well it matches, from 0 to 1.
type Match struct {
	ID    string
	Score float64
}

// Result is what the bot should do with a question: answer Best (when not
// empty), or offer Suggestions, or neither.
type Result struct {
	Best        string
	Score       float64
	Suggestions []Match
}

// NewIndex indexes the visible entries.
func NewIndex(entries []Entry) *Index {
	ix := &Index{terms: map[string]int32{}, deletes: map[string][]int32{}}
	var docTerms [][]int32
	for _, e := range entries {
		if e.Hidden {
			continue
		}
		eid := int32(len(ix.entries))
		ix.entries = append(ix.entries, e.ID)
		var texts []string
		for _, q := range e.Question {
			texts = append(texts, q)
		}
		for _, ps := range e.Phrasings {
			texts = append(texts, ps...)
		}
		for _, text := range texts {
			ids := ix.termIDs(Terms(text))
			if len(ids) == 0 {
				continue
			}
			ix.docs = append(ix.docs, doc{entry: eid})
			docTerms = append(docTerms, ids)
		}
	}
	ix.posts = make([][]int32, len(ix.stems))
	for d, ids := range docTerms {
		for _, t := range ids {
			ix.posts[t] = append(ix.posts[t], int32(d))
		}
	}
	n := float64(len(ix.docs))
	ix.idf = make([]float32, len(ix.stems))
	for t, p := range ix.posts {
		ix.idf[t] = float32(math.Log(1 + (n-float64(len(p))+0.5)/(float64(len(p))+0.5)))
		if ix.idf[t] > ix.maxIDF {
			ix.maxIDF = ix.idf[t]
		}
	}
	for d, ids := range docTerms {
		for _, t := range ids {
			ix.docs[d].weight += ix.idf[t]
		}
	}
	for t, s := range ix.stems {
		for _, del := range deletions(s) {
			ix.deletes[del] = append(ix.deletes[del], int32(t))
		}
	}
	return ix
}

// termIDs returns the distinct term ids of stems, adding new ones.
func (ix *Index) termIDs(stems []string) []int32 {
	out := make([]int32, 0, len(stems))
	for _, s := range stems {
		id, ok := ix.terms[s]
		if !ok {
			id = int32(len(ix.stems))
			ix.terms[s] = id
			ix.stems = append(ix.stems, s)
		}
		if !containsID(out, id) {
			out = append(out, id)
		}
	}
	return out
}

func containsID(ids []int32, id int32) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}

// deletions lists s with one letter removed (for words of 4 letters or more).
func deletions(s string) []string {
	r := []rune(s)
	if len(r) < 4 {
		return nil
	}
	out := make([]string, 0, len(r))
	for i := range r {
		out = append(out, string(r[:i])+string(r[i+1:]))
	}
	return out
}

// queryTerm is a query word and the terms it stands for, with weights.
type queryTerm struct {
	idf   float32
	terms []int32
	w     []float32
}

// lookup finds the terms a query stem stands for: itself; else a known stem
// one edit away (a typo); else a known stem it begins (a cut-off word).
func (ix *Index) lookup(s string) queryTerm {
	if id, ok := ix.terms[s]; ok {
		return queryTerm{idf: ix.idf[id], terms: []int32{id}, w: []float32{1}}
	}
	q := queryTerm{idf: ix.maxIDF}
	add := func(id int32, w float32) {
		if !containsID(q.terms, id) {
			q.terms = append(q.terms, id)
			q.w = append(q.w, w)
		}
	}
	r := []rune(s)
	if len(r) >= 4 {
		// s with one letter deleted, or a stem with one deleted, or both at
		// the same place: insertion, deletion, substitution, and (mostly)
		// transposition.
		for _, id := range ix.deletes[s] {
			add(id, 0.8)
		}
		for _, del := range deletions(s) {
			if id, ok := ix.terms[del]; ok {
				add(id, 0.8)
			}
			for _, id := range ix.deletes[del] {
				add(id, 0.75)
			}
		}
	}
	if len(q.terms) == 0 && len(r) >= 4 {
		for id, stem := range ix.stems {
			if len(stem) > len(s) && strings.HasPrefix(stem, s) {
				add(int32(id), 0.7)
			}
		}
	}
	if len(q.terms) > 0 {
		// A typo of a common word is no rarer than the word.
		q.idf = 0
		for _, id := range q.terms {
			q.idf = max(q.idf, ix.idf[id])
		}
	}
	return q
}

// Search scores every entry that shares a term with the query, best first.
func (ix *Index) Search(query string, limit int) []Match {
	stems := Terms(query)
	if len(stems) == 0 || len(ix.docs) == 0 {
		return nil
	}
	qs := make([]queryTerm, 0, len(stems))
	var qWeight float32
	seen := map[string]bool{}
	for _, s := range stems {
		if seen[s] {
			continue
		}
		seen[s] = true
		q := ix.lookup(s)
		qs = append(qs, q)
		qWeight += q.idf
	}
	// matched[d] is the idf mass of doc d that the query covers; scratch
	// space is reused across queries, and only touched slots are reset.
	sc := ix.scratch()
	defer ix.scratchPool.Put(sc)
	for _, q := range qs {
		for i, t := range q.terms {
			w := ix.idf[t] * q.w[i]
			for _, d := range ix.posts[t] {
				if sc.matched[d] == 0 {
					sc.docs = append(sc.docs, d)
				}
				sc.matched[d] += w
			}
		}
	}
	for _, d := range sc.docs {
		m := sc.matched[d]
		sc.matched[d] = 0
		qc := float64(min(m/qWeight, 1))
		dc := float64(min(m/ix.docs[d].weight, 1))
		score := 2 * qc * dc / (qc + dc)
		e := ix.docs[d].entry
		if sc.best[e] == 0 {
			sc.entries = append(sc.entries, e)
		}
		if score > sc.best[e] {
			sc.best[e] = score
		}
	}
	out := make([]Match, 0, min(len(sc.entries), max(limit, 8)))
	for _, e := range sc.entries {
		out = append(out, Match{ID: ix.entries[e], Score: sc.best[e]})
		sc.best[e] = 0
	}
	sc.docs, sc.entries = sc.docs[:0], sc.entries[:0]
	sort.Slice(out, func(i, j int) bool {
		if out[i].Score != out[j].Score {
			return out[i].Score > out[j].Score
		}
		return out[i].ID < out[j].ID
	})
	if limit > 0 && len(out) > limit {
		out = out[:limit]
	}
	return out
}

// Ask decides what to do with a question: a confident answer, up to three
// suggestions, or nothing.
func (ix *Index) Ask(query string) Result {
	ms := ix.Search(query, 4)
	if len(ms) == 0 || ms[0].Score < SuggestAt {
		return Result{}
	}
	top := ms[0]
	clear := len(ms) == 1 || ms[1].Score <= top.Score-margin
	if top.Score >= AnswerAt && clear {
		return Result{Best: top.ID, Score: top.Score}
	}
	r := Result{Score: top.Score}
	for _, m := range ms {
		if m.Score >= SuggestAt && len(r.Suggestions) < 3 {
			r.Suggestions = append(r.Suggestions, m)
		}
	}
	return r
}

// Size is the number of entries indexed.
func (ix *Index) Size() int { return len(ix.entries) }
