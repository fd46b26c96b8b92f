//! Brute-force k-nearest-neighbours classification that reproduces scikit-learn's
//! `KNeighborsClassifier(algorithm="brute")` on float32 features, ties included.
//!
//! What scikit-learn (1.9, float32 input, one OpenMP thread) actually does, and how this
//! module matches it:
//!
//! * **Neighbour selection** is a fixed-size max-heap (`sklearn.utils._heap.heap_push`) fed
//!   the training rows in index order; a candidate equal to the current worst is rejected.
//!   With equal distances this heap does *not* keep the lowest indices, and which ones it
//!   keeps depends on every value pushed before, even ones later evicted. So we replay the
//!   same heap over all training rows, comparing with sklearn's exact surrogate values.
//! * **Surrogate values.** Manhattan: `f32(Σ f64(|f32(x−y)|))` summed in feature order
//!   (`ManhattanDistance32.dist` returns float32, so many distinct sums collapse into ties).
//!   Euclidean: sklearn always takes `EuclideanArgKmin` (its class-mode shortcut excludes
//!   euclidean), i.e. `‖x‖² − 2x·y + ‖y‖²` on float64 upcasts via OpenBLAS, whose last-bit
//!   rounding cannot be reproduced; we use `Σ (f64(x) − f64(y))²` in feature order, the
//!   value that GEMM form approximates to ~1e-14 (note: *not* float32 differences, which
//!   would move 5% of the reported float32 distances by one ulp). Both agree wherever
//!   true distances differ by more than ~1e-13 — on the fixtures, everywhere.
//! * **Speed without losing exactness.** Every pair first gets a cheap float32 estimate
//!   (GEMM form via [`gemm`] for Euclidean; for Manhattan, feature-order float32 |x−y| sums
//!   from the tiled kernel [`manhattan_block`]) with a rigorous error bound. A
//!   heap comparison uses the estimates when their intervals are disjoint and computes the
//!   exact surrogate (cached per query) only when they overlap, so results are those of
//!   the exact replay.
//! * **Order and distances.** `kneighbors` re-pushes the heap into the main heap when
//!   sklearn's `"auto"` strategy picks `parallel_on_Y` (fewer than 1024 queries and no more
//!   queries than training rows), then sorts with sklearn's `simultaneous_sort` (introsort,
//!   not stable). Returned distances are float32-rounded, as in sklearn's float32 path.
//! * **Votes.** Uniform: most frequent class, smallest class on ties (`scipy.stats.mode`
//!   for Euclidean, `ArgKminClassMode` + `argmax` for Manhattan; same answer). Distance:
//!   weights `1/d` (rows with a zero distance use `d == 0` as 0/1 weights), class sums
//!   with numpy's pairwise summation over the neighbour row, strictly-greater update in
//!   class order (`weighted_mode`), so the smallest class wins ties.
//!
//! scikit-learn's own tie results depend on its thread count (`parallel_on_Y` merges
//! per-thread heaps); the fixtures are made with `OMP_NUM_THREADS=1`, which this replays.

use crate::kernels::gemm::{gemm, Mat};
use crate::kernels::manhattan::manhattan_block;
use ndarray::{Array1, Array2, ArrayView1, ArrayView2};
use std::cmp::Ordering;

/// How neighbours vote.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Weights {
    /// One vote each.
    Uniform,
    /// Vote weight `1 / distance`.
    Distance,
}

/// The distance between feature rows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Metric {
    /// `sqrt(Σ (x−y)²)`.
    Euclidean,
    /// `Σ |x−y|`.
    Manhattan,
}

/// Sorted neighbours of one query, as `kneighbors` returns them.
#[derive(Clone, Debug, PartialEq)]
pub struct Neighbors {
    /// Training-row indices, nearest first.
    pub indices: Vec<usize>,
    /// Distances (float32 values widened to f64, like sklearn's float32 path).
    pub distances: Vec<f64>,
}

/// A fitted classifier: the training rows, their labels and the settings.
pub struct KNeighborsClassifier {
    /// Number of neighbours used by [`KnnQueries::predict_chunk`].
    pub n_neighbors: usize,
    /// Vote weighting.
    pub weights: Weights,
    /// Distance metric.
    pub metric: Metric,
    n_features: usize,
    /// `n_train × n_features`, contiguous rows (the kernels read it as one slice).
    train: Array2<f32>,
    train_norms: Vec<f32>,
    /// Sorted distinct labels (sklearn's `classes_`).
    classes: Vec<i64>,
    /// Class index of each training row.
    y_idx: Vec<usize>,
}

/// Rows per GEMM block: bounds the distance buffer (rows × n_train floats).
const BLOCK: usize = 128;
/// sklearn's default `pairwise_dist_chunk_size`, used by its strategy heuristic.
const SK_CHUNK: usize = 256;
/// Unit roundoff of f32.
const U32: f64 = 1.0 / 16_777_216.0;

impl KNeighborsClassifier {
    /// scikit-learn's `fit(X, y)`: keeps the training rows `x` (`n × n_features`, finite)
    /// and their labels `y`.
    pub fn fit(
        x: Array2<f32>,
        y: ArrayView1<i64>,
        n_neighbors: usize,
        weights: Weights,
        metric: Metric,
    ) -> Result<Self, String> {
        let (n, n_features) = x.dim();
        if n_features == 0 {
            return Err("the training rows have no features".into());
        }
        if y.len() != n {
            return Err(format!("{} labels for {n} training rows", y.len()));
        }
        if n_neighbors == 0 || n_neighbors > n {
            return Err(format!(
                "Expected n_neighbors <= n_samples_fit, but n_neighbors = {n_neighbors}, \
                 n_samples_fit = {n}"
            ));
        }
        if x.iter().any(|v| !v.is_finite()) {
            return Err("training features must be finite".into());
        }
        if (n_features as f64) * U32 > 0.01 {
            return Err("too many features for the float32 error bounds".into());
        }
        let mut classes = y.to_vec();
        classes.sort_unstable();
        classes.dedup();
        let y_idx = y
            .iter()
            .map(|l| classes.binary_search(l).expect("label present"))
            .collect();
        let train = x.as_standard_layout().into_owned();
        let train_norms = train.rows().into_iter().map(|r| {
            let r = r.to_slice().expect("standard layout");
            crate::simd::dot(r, r)
        });
        Ok(KNeighborsClassifier {
            n_neighbors,
            weights,
            metric,
            n_features,
            train_norms: train_norms.collect(),
            train,
            classes,
            y_idx,
        })
    }

    /// Number of training rows.
    pub fn n_train(&self) -> usize {
        self.train.nrows()
    }

    /// sklearn's `classes_`: the sorted distinct training labels.
    pub fn classes(&self) -> &[i64] {
        &self.classes
    }

    /// Binds query rows (`n × n_features`, finite) for chunked work: the page classifies a
    /// few rows per step and reports progress in between.
    pub fn queries<'a, 'x: 'a>(&'a self, x: ArrayView2<'x, f32>) -> Result<KnnQueries<'a>, String> {
        if x.ncols() != self.n_features {
            return Err(format!(
                "queries have {} features, the training rows {}",
                x.ncols(),
                self.n_features
            ));
        }
        let x = x
            .to_slice()
            .ok_or("query rows must be contiguous (standard layout)")?;
        if x.iter().any(|v| !v.is_finite()) {
            return Err("query features must be finite".into());
        }
        Ok(KnnQueries { model: self, x })
    }

    /// scikit-learn's `predict(X)`.
    pub fn predict(&self, x: ArrayView2<f32>) -> Result<Array1<i64>, String> {
        let q = self.queries(x)?;
        Ok(Array1::from(q.predict_chunk(0, q.len())))
    }

    /// scikit-learn's `predict_proba(X)`: one column per class of [`Self::classes`].
    pub fn predict_proba(&self, x: ArrayView2<f32>) -> Result<Array2<f64>, String> {
        let q = self.queries(x)?;
        Ok(q.predict_proba_chunk(0, q.len()))
    }

    /// scikit-learn's `kneighbors(X, k)`: distances and training-row indices, nearest first.
    pub fn kneighbors(
        &self,
        x: ArrayView2<f32>,
        k: usize,
    ) -> Result<(Array2<f64>, Array2<usize>), String> {
        let q = self.queries(x)?;
        let nb = q.kneighbors_chunk(0, q.len(), k);
        let n = nb.len();
        let dist = nb
            .iter()
            .flat_map(|r| r.distances.iter().copied())
            .collect();
        let idx = nb.into_iter().flat_map(|r| r.indices).collect();
        let shape = (n, k);
        Ok((
            Array2::from_shape_vec(shape, dist).expect("k per row"),
            Array2::from_shape_vec(shape, idx).expect("k per row"),
        ))
    }

    /// The training rows as one row-major slice.
    fn train_slice(&self) -> &[f32] {
        self.train.as_slice().expect("standard layout (see fit)")
    }

    fn row(&self, j: usize) -> &[f32] {
        &self.train_slice()[j * self.n_features..(j + 1) * self.n_features]
    }
}

/// A query set bound to a fitted model; every method processes rows `start..end` so a UI
/// can report progress between chunks.
pub struct KnnQueries<'a> {
    model: &'a KNeighborsClassifier,
    x: &'a [f32],
}

/// sklearn's exact surrogate value for one pair (see the module notes).
fn exact_value(metric: Metric, x: &[f32], y: &[f32]) -> f64 {
    let mut d = 0.0f64;
    match metric {
        Metric::Euclidean => {
            // f64 differences of the widened inputs: sklearn's GEMM form works on
            // float64 upcasts, so it approximates this sum, not one of float32 diffs.
            for (a, b) in x.iter().zip(y) {
                let t = *a as f64 - *b as f64;
                d += t * t;
            }
            d
        }
        Metric::Manhattan => {
            for (a, b) in x.iter().zip(y) {
                d += ((a - b) as f64).abs();
            }
            d as f32 as f64
        }
    }
}

/// The distance sklearn reports for a surrogate value (float32 `_rdist_to_dist`).
fn value_to_distance(metric: Metric, v: f64) -> f64 {
    match metric {
        Metric::Euclidean => ((v.max(0.0) as f32) as f64).sqrt() as f32 as f64,
        Metric::Manhattan => v as f32 as f64,
    }
}

/// The relative slack `c` of a Manhattan estimate over `d` features:
/// `|estimate − exact| ≤ c·estimate + f64::MIN_POSITIVE`.
///
/// The estimate is a recursive float32 sum, in some order (feature order, see
/// [`manhattan_block`]), of the very terms sklearn widens: `t_k = |f32(x_k − y_k)| ≥ 0`,
/// exact sum `S`. Any recursive sum of `d` non-negative terms is within `γ_{d−1}·S ≤ γ_d·S`
/// of `S` (Higham, *Accuracy and Stability of Numerical Algorithms*, §4.2), whatever the
/// order or tiling, and gradual underflow adds no error to sums. sklearn's value
/// `f32(Σ f64(t_k))` is within `u·S` plus the f64 sum's `γ_d·S` (in f64 units, below
/// `0.01u·S` for the `d ≤ 0.01/u` that `fit` allows), so within `1.01u·S` of `S`. So
/// `|estimate − exact| ≤ (γ_d + 1.01u)·S` with `S ≤ estimate / (1 − γ_d)`; the factor 1.25
/// covers the rounding of this f64 arithmetic and of `c·estimate`.
fn manhattan_slack(d: usize) -> f64 {
    let gamma = d as f64 * U32 / (1.0 - d as f64 * U32);
    (gamma + 1.01 * U32) / (1.0 - gamma) * 1.25
}

/// Per-query state: estimate intervals for every training row plus lazily computed exact
/// values, so heap comparisons are exact but rarely pay for an exact distance.
struct RowCtx<'a> {
    metric: Metric,
    q: &'a [f32],
    model: &'a KNeighborsClassifier,
    lo: Vec<f64>,
    hi: Vec<f64>,
    exact: Vec<f64>,
}

/// Marks "not computed yet" in `RowCtx::exact` (exact values are never NaN).
const UNSET: f64 = f64::NAN;
/// Marks an empty heap slot (sklearn initialises heaps with `DBL_MAX`).
const EMPTY: usize = usize::MAX;

impl RowCtx<'_> {
    fn exact(&mut self, j: usize) -> f64 {
        if self.exact[j].is_nan() {
            self.exact[j] = exact_value(self.metric, self.q, self.model.row(j));
        }
        self.exact[j]
    }

    /// Total order of sklearn's surrogate values (empty slots are `DBL_MAX`, above all).
    fn cmp(&mut self, i: usize, j: usize) -> Ordering {
        match (i == EMPTY, j == EMPTY) {
            (true, true) => return Ordering::Equal,
            (true, false) => return Ordering::Greater,
            (false, true) => return Ordering::Less,
            _ => {}
        }
        if self.hi[i] < self.lo[j] {
            return Ordering::Less;
        }
        if self.lo[i] > self.hi[j] {
            return Ordering::Greater;
        }
        let (a, b) = (self.exact(i), self.exact(j));
        a.partial_cmp(&b).expect("finite")
    }

    /// `sklearn.utils._heap.heap_push` on a heap of training indices.
    fn heap_push(&mut self, heap: &mut [usize], val: usize) {
        if self.cmp(val, heap[0]) != Ordering::Less {
            return;
        }
        let size = heap.len();
        let mut cur = 0;
        loop {
            let l = 2 * cur + 1;
            let r = l + 1;
            let swap = if l >= size {
                break;
            } else if r >= size {
                if self.cmp(heap[l], val) == Ordering::Greater {
                    l
                } else {
                    break;
                }
            } else if self.cmp(heap[l], heap[r]) != Ordering::Less {
                if self.cmp(val, heap[l]) == Ordering::Less {
                    l
                } else {
                    break;
                }
            } else if self.cmp(val, heap[r]) == Ordering::Less {
                r
            } else {
                break;
            };
            heap[cur] = heap[swap];
            cur = swap;
        }
        heap[cur] = val;
    }
}

/// sklearn's `simultaneous_sort` (introsort, 2-way partition) on (value, index) pairs.
fn simultaneous_sort(v: &mut [f64], ix: &mut [usize]) {
    let n = v.len();
    if n == 0 {
        return;
    }
    let maxd = 2 * (n as f64).log2() as i64;
    introsort(v, ix, maxd);
}

fn introsort(mut v: &mut [f64], mut ix: &mut [usize], mut maxd: i64) {
    while v.len() > 15 {
        let n = v.len();
        if maxd <= 0 {
            heapsort(v, ix);
            return;
        }
        maxd -= 1;
        // inplace_median3
        let p = n / 2;
        if v[0] > v[n - 1] {
            swap2(v, ix, 0, n - 1);
        }
        if v[n - 1] > v[p] {
            swap2(v, ix, n - 1, p);
            if v[0] > v[n - 1] {
                swap2(v, ix, 0, n - 1);
            }
        }
        let pivot = v[n - 1];
        let (mut i, mut j) = (1usize, n as isize - 2);
        loop {
            while (i as isize) <= j && v[i] < pivot {
                i += 1;
            }
            while (i as isize) <= j && v[j as usize] > pivot {
                j -= 1;
            }
            if (i as isize) >= j {
                break;
            }
            swap2(v, ix, i, j as usize);
            i += 1;
            j -= 1;
        }
        swap2(v, ix, i, n - 1);
        let (lv, rv) = std::mem::take(&mut v).split_at_mut(i);
        let (li, ri) = std::mem::take(&mut ix).split_at_mut(i);
        introsort(lv, li, maxd);
        v = &mut rv[1..];
        ix = &mut ri[1..];
    }
    // insertion_sort
    for i in 1..v.len() {
        let (tv, ti) = (v[i], ix[i]);
        let mut j = i;
        while j > 0 && v[j - 1] > tv {
            v[j] = v[j - 1];
            ix[j] = ix[j - 1];
            j -= 1;
        }
        v[j] = tv;
        ix[j] = ti;
    }
}

fn swap2(v: &mut [f64], ix: &mut [usize], a: usize, b: usize) {
    v.swap(a, b);
    ix.swap(a, b);
}

fn heapsort(v: &mut [f64], ix: &mut [usize]) {
    let n = v.len();
    let mut start = (n as isize - 2) / 2;
    loop {
        sift_down(v, ix, start as usize, n);
        if start == 0 {
            break;
        }
        start -= 1;
    }
    let mut end = n - 1;
    while end > 0 {
        swap2(v, ix, 0, end);
        sift_down(v, ix, 0, end);
        end -= 1;
    }
}

fn sift_down(v: &mut [f64], ix: &mut [usize], start: usize, end: usize) {
    let mut root = start;
    loop {
        let child = root * 2 + 1;
        let mut maxind = root;
        if child < end && v[maxind] < v[child] {
            maxind = child;
        }
        if child + 1 < end && v[maxind] < v[child + 1] {
            maxind = child + 1;
        }
        if maxind == root {
            break;
        }
        swap2(v, ix, root, maxind);
        root = maxind;
    }
}

impl KnnQueries<'_> {
    /// Number of query rows.
    pub fn len(&self) -> usize {
        self.x.len() / self.model.n_features
    }

    /// True when there is no query row.
    pub fn is_empty(&self) -> bool {
        self.x.is_empty()
    }

    /// sklearn's `"auto"` strategy (one thread) picks `parallel_on_Y`, which re-pushes the
    /// per-thread heap into the main heap before sorting.
    fn parallel_on_y(&self) -> bool {
        let (nx, ny) = (self.len(), self.model.n_train());
        !(ny < nx || 4 * SK_CHUNK < nx)
    }

    /// Runs `f(row, ctx)` for each query row in `start..end`, with estimates filled in.
    fn for_rows(&self, start: usize, end: usize, mut f: impl FnMut(usize, &mut RowCtx)) {
        assert!(start <= end && end <= self.len(), "bad query range");
        let m = self.model;
        let (d, nt) = (m.n_features, m.n_train());
        let gamma = d as f64 * U32 / (1.0 - d as f64 * U32);
        let mut dots = vec![0.0f32; BLOCK.min(end - start).max(1) * nt];
        let mut pack = Vec::new();
        let mut ctx = RowCtx {
            metric: m.metric,
            q: &[],
            model: m,
            lo: vec![0.0; nt],
            hi: vec![0.0; nt],
            exact: vec![UNSET; nt],
        };
        let mut b0 = start;
        while b0 < end {
            let b1 = (b0 + BLOCK).min(end);
            let qb = &self.x[b0 * d..b1 * d];
            match m.metric {
                Metric::Euclidean => gemm(
                    b1 - b0,
                    nt,
                    d,
                    Mat::rows(qb, d),
                    Mat::transposed(m.train_slice(), d),
                    &mut dots,
                    false,
                ),
                Metric::Manhattan => manhattan_block(qb, m.train_slice(), d, &mut dots, &mut pack),
            }
            for r in b0..b1 {
                let q = &self.x[r * d..(r + 1) * d];
                ctx.q = q;
                ctx.exact.fill(UNSET);
                match m.metric {
                    Metric::Euclidean => {
                        let nx = crate::simd::dot(q, q);
                        // |estimate − exact| ≤ (2γ_d + 9u)(‖x‖² + ‖y‖²); 1.25 covers the
                        // second-order terms and the rounding in the norms themselves.
                        let c = (2.0 * gamma + 9.0 * U32) * 1.25;
                        let row = &dots[(r - b0) * nt..(r - b0 + 1) * nt];
                        for (j, (&ny, &dot)) in m.train_norms.iter().zip(row).enumerate() {
                            let est = ((nx + ny) - 2.0 * dot) as f64;
                            let e = c * (nx as f64 + ny as f64) + f64::MIN_POSITIVE;
                            ctx.lo[j] = est - e;
                            ctx.hi[j] = est + e;
                        }
                    }
                    Metric::Manhattan => {
                        let c = manhattan_slack(d);
                        let row = &dots[(r - b0) * nt..(r - b0 + 1) * nt];
                        for (j, &est) in row.iter().enumerate() {
                            let est = est as f64;
                            let e = c * est + f64::MIN_POSITIVE;
                            ctx.lo[j] = est - e;
                            ctx.hi[j] = est + e;
                        }
                    }
                }
                f(r, &mut ctx);
            }
            b0 = b1;
        }
    }

    /// The heaps (as sklearn leaves them, before sorting) for each `k` in `ks`.
    fn heaps(ctx: &mut RowCtx, ks: &[usize]) -> Vec<Vec<usize>> {
        let mut heaps: Vec<Vec<usize>> = ks.iter().map(|&k| vec![EMPTY; k]).collect();
        for j in 0..ctx.model.n_train() {
            for h in heaps.iter_mut() {
                // `heap_push`'s first comparison, inlined for its common outcome: once the
                // heap is full, most rows are certainly above its worst and are rejected.
                let worst = h[0];
                if worst != EMPTY && ctx.lo[j] > ctx.hi[worst] {
                    continue;
                }
                ctx.heap_push(h, j);
            }
        }
        heaps
    }

    /// `kneighbors` output for one heap: optional parallel_on_Y merge, then sort.
    fn sorted(&self, ctx: &mut RowCtx, heap: &[usize]) -> Neighbors {
        let mut h = heap.to_vec();
        if self.parallel_on_y() {
            let mut main = vec![EMPTY; h.len()];
            for &j in &h {
                ctx.heap_push(&mut main, j);
            }
            h = main;
        }
        let mut v: Vec<f64> = h.iter().map(|&j| ctx.exact(j)).collect();
        simultaneous_sort(&mut v, &mut h);
        let metric = ctx.metric;
        Neighbors {
            indices: h,
            distances: v.iter().map(|&s| value_to_distance(metric, s)).collect(),
        }
    }

    /// The class index voted for by a heap / neighbour list.
    fn vote(&self, ctx: &mut RowCtx, heap: &[usize], weights: Weights) -> usize {
        let m = self.model;
        let nc = m.classes.len();
        match weights {
            Weights::Uniform => {
                let mut counts = vec![0usize; nc];
                for &j in heap {
                    counts[m.y_idx[j]] += 1;
                }
                // argmax returns the first maximum: the smallest class.
                let mut best = 0;
                for c in 1..nc {
                    if counts[c] > counts[best] {
                        best = c;
                    }
                }
                best
            }
            Weights::Distance => {
                let nb = self.sorted(ctx, heap);
                let mut w: Vec<f64> = nb.distances.iter().map(|d| 1.0 / d).collect();
                if w.iter().any(|x| x.is_infinite()) {
                    for x in w.iter_mut() {
                        *x = if x.is_infinite() { 1.0 } else { 0.0 };
                    }
                }
                // weighted_mode: per class, np.sum of the row with other classes zeroed;
                // replace only on strictly greater, classes in ascending order.
                let (mut best, mut best_count) = (0usize, 0.0f64);
                let mut template = vec![0.0f64; w.len()];
                for c in 0..nc {
                    for (t, (&j, &wt)) in template.iter_mut().zip(nb.indices.iter().zip(&w)) {
                        *t = if m.y_idx[j] == c { wt } else { 0.0 };
                    }
                    let count = crate::metrics::pairwise_sum(&template);
                    if count > best_count {
                        best = c;
                        best_count = count;
                    }
                }
                best
            }
        }
    }

    /// `predict` for query rows `start..end` with the model's `n_neighbors` and weights.
    pub fn predict_chunk(&self, start: usize, end: usize) -> Vec<i64> {
        let m = self.model;
        let mut out = Vec::with_capacity(end - start);
        self.for_rows(start, end, |_, ctx| {
            let heaps = Self::heaps(ctx, &[m.n_neighbors]);
            out.push(m.classes[self.vote(ctx, &heaps[0], m.weights)]);
        });
        out
    }

    /// `predict_proba` for query rows `start..end`: one row per query, one column per class
    /// of [`KNeighborsClassifier::classes`].
    pub fn predict_proba_chunk(&self, start: usize, end: usize) -> Array2<f64> {
        let m = self.model;
        let nc = m.classes.len();
        let mut out = Array2::zeros((end - start, nc));
        let neighbors = self.kneighbors_chunk(start, end, m.n_neighbors);
        for (mut row, nb) in out.rows_mut().into_iter().zip(&neighbors) {
            let row = row
                .as_slice_mut()
                .expect("a row of a standard-layout array");
            vote_fractions(nb, &m.y_idx, m.weights, row);
        }
        out
    }

    /// `kneighbors(n_neighbors=k)` for query rows `start..end`.
    pub fn kneighbors_chunk(&self, start: usize, end: usize, k: usize) -> Vec<Neighbors> {
        assert!(k >= 1 && k <= self.model.n_train(), "bad k");
        let mut out = Vec::with_capacity(end - start);
        self.for_rows(start, end, |_, ctx| {
            let heaps = Self::heaps(ctx, &[k]);
            out.push(self.sorted(ctx, &heaps[0]));
        });
        out
    }

    /// Predictions for every `k = 1..=max_k` at once (`[row][k − 1]`), each equal to a
    /// separate sklearn model with that `n_neighbors`: one distance pass, one heap per k
    /// (sklearn's k-set is not a prefix of its (k+1)-set when distances tie).
    pub fn predict_by_k_chunk(&self, start: usize, end: usize, max_k: usize) -> Vec<Vec<i64>> {
        let m = self.model;
        assert!(max_k >= 1 && max_k <= m.n_train(), "bad max_k");
        let ks: Vec<usize> = (1..=max_k).collect();
        let mut out = Vec::with_capacity(end - start);
        self.for_rows(start, end, |_, ctx| {
            let heaps = Self::heaps(ctx, &ks);
            out.push(
                heaps
                    .iter()
                    .map(|h| m.classes[self.vote(ctx, h, m.weights)])
                    .collect(),
            );
        });
        out
    }

    /// Test accuracy for `k = 1..=max_k` (index `k − 1`) against `y_true`.
    pub fn accuracy_by_k(&self, y_true: &[i64], max_k: usize) -> Vec<f64> {
        assert_eq!(y_true.len(), self.len(), "one label per query");
        let preds = self.predict_by_k_chunk(0, self.len(), max_k);
        (0..max_k)
            .map(|k| {
                let hits = preds
                    .iter()
                    .zip(y_true)
                    .filter(|(p, y)| p[k] == **y)
                    .count();
                hits as f64 / y_true.len().max(1) as f64
            })
            .collect()
    }
}

/// The class probabilities scikit-learn's `predict_proba` gives a query whose neighbours
/// are `nb` (`class_of` maps a training row to its class index), into `out`.
///
/// What scikit-learn 1.9 does with float32 features: uniform weights add 1 per neighbour;
/// distance weights are `1.0 / dist` in float64 (`kneighbors` returns float32-rounded
/// distances in a float64 array), and a row with a zero distance weighs its zero-distance
/// neighbours 1 and the others 0. Votes are added in neighbour order into float64 class
/// columns, then divided by their row sum (`proba.sum(axis=1)`, numpy's pairwise sum).
/// Uniform scores are therefore multiples of 1/k: with k = 3 a class scores 0, 1/3, 2/3 or
/// 1, which is why the ROC curve of a uniform KNN has only a handful of points.
fn vote_fractions(nb: &Neighbors, class_of: &[usize], weights: Weights, out: &mut [f64]) {
    out.fill(0.0);
    match weights {
        Weights::Uniform => {
            for &j in &nb.indices {
                out[class_of[j]] += 1.0;
            }
        }
        Weights::Distance => {
            let mut w: Vec<f64> = nb.distances.iter().map(|&d| 1.0 / d).collect();
            if w.iter().any(|x| x.is_infinite()) {
                for x in w.iter_mut() {
                    *x = if x.is_infinite() { 1.0 } else { 0.0 };
                }
            }
            for (&j, &wj) in nb.indices.iter().zip(&w) {
                out[class_of[j]] += wj;
            }
        }
    }
    let mut total = crate::metrics::pairwise_sum(out);
    if total == 0.0 {
        total = 1.0;
    }
    for p in out.iter_mut() {
        *p /= total;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairwise_sum_is_numpy_shaped() {
        let a: Vec<f64> = (0..12).map(|i| 1.0 / (i as f64 + 1.0)).collect();
        let r = a[..8].to_vec();
        let acc: Vec<f64> = (0..8).map(|k| r[k]).collect();
        let want = ((acc[0] + acc[1]) + (acc[2] + acc[3]))
            + ((acc[4] + acc[5]) + (acc[6] + acc[7]))
            + a[8]
            + a[9]
            + a[10]
            + a[11];
        assert_eq!(crate::metrics::pairwise_sum(&a), want);
    }

    #[test]
    fn sort_matches_plain_sort_on_distinct_values() {
        let mut v: Vec<f64> = (0..40).map(|i| ((i * 37) % 41) as f64).collect();
        let mut ix: Vec<usize> = (0..40).collect();
        simultaneous_sort(&mut v, &mut ix);
        assert!(v.windows(2).all(|w| w[0] <= w[1]));
        assert!(ix
            .iter()
            .zip(&v)
            .all(|(&i, &x)| ((i * 37) % 41) as f64 == x));
    }

    crate::both_targets_test! {
        fn manhattan_estimates_are_within_the_slack() {
            // The kernel's bits are tested against its scalar reference in
            // kernels::manhattan; this checks the bound knn builds on those estimates.
            let mut rng = crate::rng::Rng::new(7);
            // Partial query panels and register tiles, several 64-row training blocks,
            // feature counts not a multiple of 4, and MNIST's 784.
            for &(nq, nt, d) in &[
                (1, 1, 1),
                (3, 5, 7),
                (8, 4, 4),
                (9, 67, 13),
                (17, 134, 30),
                (5, 11, 784),
            ] {
                // Small integers and exact copies make ties; wide values exercise rounding.
                let mut val = |_| match rng.below(4) {
                    0 => rng.below(3) as f32,
                    _ => rng.uniform_range(-3.0, 3.0) * 2f32.powi(rng.below(20) as i32 - 10),
                };
                let q: Vec<f32> = (0..nq * d).map(&mut val).collect();
                let mut t: Vec<f32> = (0..nt * d).map(&mut val).collect();
                t[..d].copy_from_slice(&q[..d]);
                let mut out = vec![f32::NAN; nq * nt];
                let mut pack = Vec::new();
                manhattan_block(&q, &t, d, &mut out, &mut pack);
                let c = manhattan_slack(d);
                for i in 0..nq {
                    for j in 0..nt {
                        let (x, y) = (&q[i * d..(i + 1) * d], &t[j * d..(j + 1) * d]);
                        let est = out[i * nt + j];
                        let exact = exact_value(Metric::Manhattan, x, y);
                        let e = c * est as f64 + f64::MIN_POSITIVE;
                        assert!((est as f64 - exact).abs() <= e, "bound {nq}×{nt}×{d} ({i}, {j})");
                    }
                }
            }
        }
    }

    #[test]
    fn one_neighbor_is_the_closest_row_and_arrays_come_back_shaped() {
        let train = ndarray::array![[0.0f32, 0.0], [1.0, 1.0], [5.0, 5.0]];
        let y = ndarray::array![7i64, 8, 9];
        let q = ndarray::array![[0.9f32, 1.2], [4.0, 4.5]];
        for metric in [Metric::Euclidean, Metric::Manhattan] {
            let m = KNeighborsClassifier::fit(train.clone(), y.view(), 1, Weights::Uniform, metric)
                .unwrap();
            assert_eq!(m.predict(q.view()).unwrap(), ndarray::array![8, 9]);
            let p = m.predict_proba(q.view()).unwrap();
            assert_eq!(p, ndarray::array![[0.0, 1.0, 0.0], [0.0, 0.0, 1.0]]);
            let (dist, idx) = m.kneighbors(q.view(), 2).unwrap();
            assert_eq!(idx, ndarray::array![[1, 0], [2, 1]]);
            assert_eq!(dist.dim(), (2, 2));
            assert!(dist.rows().into_iter().all(|r| r[0] <= r[1]));
        }
        // Queries must match the training rows' features.
        let wide = ndarray::Array2::<f32>::zeros((1, 3));
        let m = KNeighborsClassifier::fit(train, y.view(), 1, Weights::Uniform, Metric::Euclidean)
            .unwrap();
        assert!(m.predict(wide.view()).unwrap_err().contains("3 features"));
    }

    crate::both_targets_test! {
        fn votes_become_fractions() {
            let nb = Neighbors { indices: vec![0, 1, 2], distances: vec![1.0, 2.0, 4.0] };
            let class_of = [2, 0, 2];
            let mut p = [0.0; 3];
            vote_fractions(&nb, &class_of, Weights::Uniform, &mut p);
            assert_eq!(p, [1.0 / 3.0, 0.0, 2.0 / 3.0]);
            vote_fractions(&nb, &class_of, Weights::Distance, &mut p);
            // Weights 1, 0.5, 0.25: class 2 gets 1.25 of 1.75.
            assert_eq!(p, [0.5 / 1.75, 0.0, 1.25 / 1.75]);
            // A zero distance: only the exact matches vote.
            let nb = Neighbors { indices: vec![1, 0, 2], distances: vec![0.0, 1.0, 4.0] };
            vote_fractions(&nb, &class_of, Weights::Distance, &mut p);
            assert_eq!(p, [1.0, 0.0, 0.0]);
        }
    }
}
