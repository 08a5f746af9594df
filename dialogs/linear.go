package dialogs

import (
	"cmp"
	"math"
	"math/rand/v2"
	"slices"
)

// linear is a multinomial logistic regression over sparse features.
// Weights live by feature, an inverted index: feature f weighs cw[at[f]:
// at[f+1]], the classes it has met with their weights, so that only those
// cost anything.
type linear struct {
	classes int
	at      []int32
	cw      []classWeight
	bias    []float32
	// exp of each bias, their sum and the largest bias: the part of the
	// normalisation a question's features do not change.
	expBias    []float64
	sumExpBias float64
	maxBias    float64
}

// sample is one training text and its class.
type sample struct {
	class int32
	feats []feature
	w     float32 // how much the text counts in training
}

// Training: stochastic gradient descent on the cross-entropy with weight
// decay, a fixed number of passes in a fixed order (the same FAQ gives the
// same index). A class whose probability is negligible is not updated.
const (
	epochs       = 10
	learningRate = 2.0
	weightDecay  = 0.03 // per pass
	negligible   = 1e-2
	maxUpdates   = 6 // the true class and up to five rivals per text
	denseLimit   = 8 << 20
	// A large pack trains in fewer passes, and keeps for each feature the
	// classes it weighs most for: a letter group common to hundreds of
	// entries tells little about any of them, and would cost every
	// question that has it.
	manyClasses   = 300
	epochsMany    = 3
	maxPerFeature = 32
)

// strongest keeps the n weights of list largest in size, in class order.
func strongest(list []classWeight, n int) []classWeight {
	if len(list) <= n {
		return list
	}
	slices.SortFunc(list, func(a, b classWeight) int { return cmp.Compare(abs32(b.w), abs32(a.w)) })
	list = list[:n]
	slices.SortFunc(list, func(a, b classWeight) int { return cmp.Compare(a.class, b.class) })
	return slices.Clip(list)
}

func abs32(x float32) float32 {
	if x < 0 {
		return -x
	}
	return x
}

type classWeight struct {
	class int32
	w     float32
}

// trainLinear fits a model of classes classes over features features.
func trainLinear(samples []sample, classes, features int) *linear {
	m := &linear{classes: classes, bias: make([]float32, classes)}
	// A pack of tens of entries keeps its weights in one dense table, a
	// large one by feature, as lists of the classes each has met.
	var dense []float32
	var w [][]classWeight
	if int64(features)*int64(classes) <= denseLimit {
		dense = make([]float32, features*classes)
	} else {
		w = make([][]classWeight, features)
	}
	scores := make([]float64, classes)
	upd := make([]int32, 0, classes)
	all := make([]int32, classes)
	for c := range all {
		all[c] = int32(c)
	}
	seen := make([]bool, classes)
	touched := make([]int32, 0, classes)
	var sumExpBias float64
	expBias := make([]float64, classes) // exp of each bias, kept with it
	rng := rand.New(rand.NewPCG(14, uint64(len(samples))))
	order := make([]int, len(samples))
	for i := range order {
		order[i] = i
	}
	byClass := func(x classWeight, c int32) int { return int(x.class - c) }
	passes := epochs
	if classes > manyClasses {
		passes = epochsMany
	}
	for epoch := range passes {
		if epoch > 0 {
			for k := range dense {
				dense[k] *= (1 - weightDecay)
			}
			for f, list := range w {
				for k := range list {
					list[k].w *= (1 - weightDecay)
				}
				w[f] = strongest(list, maxPerFeature)
			}
		}
		rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		lr := float32(learningRate / (1 + 0.3*float64(epoch)))
		sumExpBias = 0
		for c, b := range m.bias {
			expBias[c] = math.Exp(float64(b))
			sumExpBias += expBias[c]
		}
		for _, i := range order {
			s := samples[i]
			var cands []int32
			if dense != nil {
				for c := range scores {
					scores[c] = float64(m.bias[c])
				}
				for _, f := range s.feats {
					for c, x := range dense[int(f.id)*classes : int(f.id+1)*classes] {
						scores[c] += float64(x * f.v)
					}
				}
				softmax(scores)
				cands = all
			} else {
				cands = touchedScores(m, w, s, scores, seen, touched[:0], expBias, sumExpBias)
				touched = cands
			}
			// The true class and the likeliest wrong ones learn; the
			// rest, nearly certain already, are left alone, which keeps
			// the weights sparse and training fast for large packs.
			upd = upd[:0]
			for _, c := range cands {
				if c == s.class || scores[c] >= negligible {
					upd = append(upd, c)
				}
			}
			if len(upd) > maxUpdates {
				slices.SortFunc(upd, func(a, b int32) int {
					switch {
					case a == s.class:
						return -1
					case b == s.class:
						return 1
					}
					return cmp.Compare(scores[b], scores[a])
				})
				upd = upd[:maxUpdates]
			}
			for _, c := range upd {
				p := scores[c]
				g := p
				if c == s.class {
					g = p - 1
				}
				step := lr * float32(g) * s.w
				m.bias[c] -= step * 0.1
				e := math.Exp(float64(m.bias[c]))
				sumExpBias += e - expBias[c]
				expBias[c] = e
				for _, f := range s.feats {
					if dense != nil {
						dense[int(f.id)*classes+int(c)] -= step * f.v
						continue
					}
					list := w[f.id]
					k, found := slices.BinarySearchFunc(list, c, byClass)
					if !found && len(list) >= maxPerFeature {
						continue // the feature is common: it says little of c
					}
					if !found {
						list = slices.Insert(list, k, classWeight{class: c})
						w[f.id] = list
					}
					list[k].w -= step * f.v
				}
			}
		}
	}
	m.at = make([]int32, features+1)
	for f := range features {
		var list []classWeight
		if dense != nil {
			for c, x := range dense[f*classes : (f+1)*classes] {
				list = append(list, classWeight{int32(c), x})
			}
		} else {
			list = strongest(w[f], maxPerFeature)
		}
		for _, cw := range list {
			if math.Abs(float64(cw.w)) < 1e-4 {
				continue
			}
			m.cw = append(m.cw, cw)
		}
		m.at[f+1] = int32(len(m.cw))
	}
	m.keepBiases()
	return m
}

// touchedScores is softmax for a large model: only the classes s's
// features have met (and its own) are scored one by one; the others, whose
// score is their bias alone, count together through sumExpBias, the sum of
// exp(bias) over all classes. It returns the classes scored, with their
// probabilities in scores.
func touchedScores(m *linear, w [][]classWeight, s sample, scores []float64, seen []bool, touched []int32, expBias []float64, sumExpBias float64) []int32 {
	touch := func(c int32) {
		if !seen[c] {
			seen[c] = true
			touched = append(touched, c)
			scores[c] = float64(m.bias[c])
		}
	}
	touch(s.class)
	for _, f := range s.feats {
		for _, cw := range w[f.id] {
			touch(cw.class)
			scores[cw.class] += float64(cw.w * f.v)
		}
	}
	top := math.Inf(-1)
	rest := sumExpBias
	for _, c := range touched {
		top = max(top, scores[c])
		rest -= expBias[c]
	}
	z := max(rest, 0) * math.Exp(-top)
	for _, c := range touched {
		scores[c] = math.Exp(scores[c] - top)
		z += scores[c]
	}
	for _, c := range touched {
		scores[c] /= z
		seen[c] = false
	}
	return touched
}

// posterior is the class probabilities of one text, kept sparse: only the
// classes its features weigh for (touched) are scored one by one; every
// other class scores its bias alone, and all of them count in the
// normalisation together, through the sum of exp(bias) kept with the
// model. A question of a 2,000-entry pack touches a few hundred classes.
type posterior struct {
	p       []float64 // by class: the probability of a touched class
	seen    []bool    // by class: touched
	touched []int32
	// untouched is the factor from exp(bias) to the probability of an
	// untouched class.
	untouched float64
}

func newPosterior(classes int) *posterior {
	return &posterior{p: make([]float64, classes), seen: make([]bool, classes)}
}

// prob is class c's probability.
func (m *linear) prob(post *posterior, c int32) float64 {
	if post.seen[c] {
		return post.p[c]
	}
	return m.expBias[c] * post.untouched
}

// posterior computes the class probabilities of feats into post.
func (m *linear) posterior(feats []feature, post *posterior) {
	for _, c := range post.touched {
		post.seen[c] = false
	}
	post.touched = post.touched[:0]
	for _, f := range feats {
		for _, cw := range m.cw[m.at[f.id]:m.at[f.id+1]] {
			if !post.seen[cw.class] {
				post.seen[cw.class] = true
				post.touched = append(post.touched, cw.class)
				post.p[cw.class] = float64(m.bias[cw.class])
			}
			post.p[cw.class] += float64(cw.w * f.v)
		}
	}
	top := m.maxBias
	for _, c := range post.touched {
		top = max(top, post.p[c])
	}
	rest, z := m.sumExpBias, 0.0
	for _, c := range post.touched {
		post.p[c] = math.Exp(post.p[c] - top)
		z += post.p[c]
		rest -= m.expBias[c]
	}
	shift := math.Exp(-top)
	z += max(rest, 0) * shift
	for _, c := range post.touched {
		post.p[c] /= z
	}
	post.untouched = shift / z
}

// maxUntouched bounds the probability of any untouched class.
func (m *linear) maxUntouched(post *posterior) float64 {
	return math.Exp(m.maxBias) * post.untouched
}

// keepBiases notes exp of each bias, their sum and the largest bias,
// which posterior needs.
func (m *linear) keepBiases() {
	m.expBias = make([]float64, len(m.bias))
	m.maxBias = math.Inf(-1)
	m.sumExpBias = 0
	for c, b := range m.bias {
		m.expBias[c] = math.Exp(float64(b))
		m.sumExpBias += m.expBias[c]
		m.maxBias = max(m.maxBias, float64(b))
	}
}

// softmax turns scores into probabilities in place.
func softmax(scores []float64) {
	top := math.Inf(-1)
	for _, s := range scores {
		top = max(top, s)
	}
	var sum float64
	for i, s := range scores {
		scores[i] = math.Exp(s - top)
		sum += scores[i]
	}
	for i := range scores {
		scores[i] /= sum
	}
}
