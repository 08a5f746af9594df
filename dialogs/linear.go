package dialogs

import (
	"cmp"
	"math"
	"math/rand/v2"
	"slices"
)

// linear is a multinomial logistic regression over sparse features.
// Weights live by feature: classes class[at[f]:at[f+1]] with weights
// w[…], so that only the classes a feature has met cost anything.
type linear struct {
	classes int
	at      []int32
	class   []int32
	w       []float32
	bias    []float32
}

// sample is one training text and its class.
type sample struct {
	class int32
	feats []feature
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
				dense[k] *= 1 - weightDecay
			}
			for f, list := range w {
				for k := range list {
					list[k].w *= 1 - weightDecay
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
				step := lr * float32(g)
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
			m.class = append(m.class, cw.class)
			m.w = append(m.w, cw.w)
		}
		m.at[f+1] = int32(len(m.class))
	}
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

// probs writes the class probabilities of feats into out.
func (m *linear) probs(feats []feature, out []float64) {
	for c := range out {
		out[c] = float64(m.bias[c])
	}
	for _, f := range feats {
		for k := m.at[f.id]; k < m.at[f.id+1]; k++ {
			out[m.class[k]] += float64(m.w[k] * f.v)
		}
	}
	softmax(out)
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
