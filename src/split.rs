//! scikit-learn's `train_test_split` for an integer `random_state`, index for index.
//!
//! scikit-learn turns an int seed into numpy's legacy `RandomState(seed)`: MT19937 seeded
//! with `init_genrand(seed)` (numpy's `_legacy_seeding` calls `mt19937_seed` for a scalar
//! int; `init_by_array` is only used for array seeds — checked against numpy's output in
//! `tests/knn_sklearn.rs`). Shuffles use `RandomState.permutation`: Fisher–Yates from the
//! end with `random_interval`, numpy's legacy masked-rejection bounded integer. The split
//! itself follows `ShuffleSplit` / `StratifiedShuffleSplit._iter_indices` and
//! `_validate_shuffle_split`, including the float arithmetic that decides sizes, so the
//! same arguments give the same index arrays as scikit-learn.
//!
//! This module is deliberately separate from [`crate::rng`] (PCG32): it exists only to
//! reproduce numpy/scikit-learn draws, not as the playground's own randomness.

/// numpy's legacy MT19937 (`RandomState`) bit generator.
#[derive(Clone)]
pub struct Mt19937 {
    key: [u32; 624],
    pos: usize,
}

impl Mt19937 {
    /// Seeds like `np.random.RandomState(seed)` for an int seed (`init_genrand`).
    pub fn new(seed: u32) -> Self {
        let mut key = [0u32; 624];
        let mut s = seed;
        for (pos, k) in key.iter_mut().enumerate() {
            *k = s;
            s = 1_812_433_253u32
                .wrapping_mul(s ^ (s >> 30))
                .wrapping_add(pos as u32 + 1);
        }
        Mt19937 { key, pos: 624 }
    }

    /// Regenerates the 624-word state (the classic `genrand` twist).
    fn twist(&mut self) {
        const UPPER: u32 = 0x8000_0000;
        const LOWER: u32 = 0x7fff_ffff;
        const MATRIX_A: u32 = 0x9908_b0df;
        for i in 0..624 {
            let y = (self.key[i] & UPPER) | (self.key[(i + 1) % 624] & LOWER);
            let mag = if y & 1 == 1 { MATRIX_A } else { 0 };
            self.key[i] = self.key[(i + 397) % 624] ^ (y >> 1) ^ mag;
        }
        self.pos = 0;
    }

    /// The next raw 32-bit output (numpy's `next_uint32`).
    pub fn next_u32(&mut self) -> u32 {
        if self.pos == 624 {
            self.twist();
        }
        let mut y = self.key[self.pos];
        self.pos += 1;
        y ^= y >> 11;
        y ^= (y << 7) & 0x9d2c_5680;
        y ^= (y << 15) & 0xefc6_0000;
        y ^ (y >> 18)
    }

    /// numpy's legacy `random_interval(max)`: uniform in `0..=max` by masked rejection.
    pub fn random_interval(&mut self, max: u64) -> u64 {
        if max == 0 {
            return 0;
        }
        let mut mask = max;
        for s in [1, 2, 4, 8, 16, 32] {
            mask |= mask >> s;
        }
        loop {
            let v = if max <= 0xffff_ffff {
                (self.next_u32() as u64) & mask
            } else {
                // numpy's legacy next_uint64 for MT19937: two 32-bit draws, high first.
                let hi = self.next_u32() as u64;
                let lo = self.next_u32() as u64;
                ((hi << 32) | lo) & mask
            };
            if v <= max {
                return v;
            }
        }
    }

    /// `RandomState.shuffle` of a 1-d array: Fisher–Yates from the last element down.
    pub fn shuffle<T>(&mut self, x: &mut [T]) {
        for i in (1..x.len()).rev() {
            let j = self.random_interval(i as u64) as usize;
            x.swap(i, j);
        }
    }

    /// `RandomState.permutation(n)`: a shuffled `0..n`.
    pub fn permutation(&mut self, n: usize) -> Vec<usize> {
        let mut v: Vec<usize> = (0..n).collect();
        self.shuffle(&mut v);
        v
    }
}

/// The size of the test set: a fraction of the samples or an absolute count.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum TestSize {
    /// A fraction in (0, 1); the test set gets `ceil(f * n)` samples.
    Fraction(f64),
    /// An absolute number of test samples.
    Count(usize),
}

/// `_validate_shuffle_split` with `train_size=None`: `(n_train, n_test)` or sklearn's error.
pub fn validate_sizes(n_samples: usize, test_size: TestSize) -> Result<(usize, usize), String> {
    let n_test = match test_size {
        TestSize::Fraction(f) => {
            if !(f > 0.0 && f < 1.0) {
                return Err(format!(
                    "test_size={f} should be either positive and smaller than the number \
                     of samples {n_samples} or a float in the (0, 1) range"
                ));
            }
            // Python's math.ceil on the f64 product, exactly as sklearn computes it.
            (f * n_samples as f64).ceil() as usize
        }
        TestSize::Count(c) => {
            if c == 0 || c >= n_samples {
                return Err(format!(
                    "test_size={c} should be either positive and smaller than the number \
                     of samples {n_samples} or a float in the (0, 1) range"
                ));
            }
            c
        }
    };
    let n_train = n_samples.saturating_sub(n_test);
    if n_train == 0 {
        return Err(format!(
            "With n_samples={n_samples}, test_size={test_size:?} the resulting train set \
             will be empty. Adjust the parameters."
        ));
    }
    Ok((n_train, n_test))
}

/// `train_test_split(range(n), test_size=..., random_state=seed, shuffle=..., stratify=...)`
/// as `(train_indices, test_indices)`, equal to scikit-learn's arrays.
pub fn train_test_split(
    n_samples: usize,
    test_size: TestSize,
    random_state: u32,
    shuffle: bool,
    stratify: Option<&[i64]>,
) -> Result<(Vec<usize>, Vec<usize>), String> {
    let (n_train, n_test) = validate_sizes(n_samples, test_size)?;
    if !shuffle {
        if stratify.is_some() {
            return Err("Stratified train/test split is not implemented for shuffle=False".into());
        }
        return Ok((
            (0..n_train).collect(),
            (n_train..n_train + n_test).collect(),
        ));
    }
    let mut rng = Mt19937::new(random_state);
    match stratify {
        None => {
            let perm = rng.permutation(n_samples);
            let test = perm[..n_test].to_vec();
            let train = perm[n_test..n_test + n_train].to_vec();
            Ok((train, test))
        }
        Some(y) => stratified(y, n_samples, n_train, n_test, &mut rng),
    }
}

/// `StratifiedShuffleSplit._iter_indices`, first split.
fn stratified(
    y: &[i64],
    n_samples: usize,
    n_train: usize,
    n_test: usize,
    rng: &mut Mt19937,
) -> Result<(Vec<usize>, Vec<usize>), String> {
    if y.len() != n_samples {
        return Err(format!(
            "stratify has {} labels for {n_samples} samples",
            y.len()
        ));
    }
    // np.unique(y, return_inverse=True): sorted classes; argsort(kind="mergesort") is
    // stable, so each class's indices are in increasing order.
    let mut classes: Vec<i64> = y.to_vec();
    classes.sort_unstable();
    classes.dedup();
    let mut class_indices: Vec<Vec<usize>> = vec![Vec::new(); classes.len()];
    for (i, v) in y.iter().enumerate() {
        let c = classes.binary_search(v).expect("class present");
        class_indices[c].push(i);
    }
    let counts: Vec<usize> = class_indices.iter().map(Vec::len).collect();
    if counts.iter().copied().min().unwrap_or(0) < 2 {
        return Err(
            "The least populated class in y has only 1 member, which is too few. \
                    The minimum number of groups for any class cannot be less than 2."
                .into(),
        );
    }
    if n_train < classes.len() {
        return Err(format!(
            "The train_size = {n_train} should be greater or equal to the number of classes = {}",
            classes.len()
        ));
    }
    if n_test < classes.len() {
        return Err(format!(
            "The test_size = {n_test} should be greater or equal to the number of classes = {}",
            classes.len()
        ));
    }
    let n_i = approximate_mode(&counts, n_train, rng);
    let remaining: Vec<usize> = counts.iter().zip(&n_i).map(|(c, n)| c - n).collect();
    let t_i = approximate_mode(&remaining, n_test, rng);
    let mut train = Vec::with_capacity(n_train);
    let mut test = Vec::with_capacity(n_test);
    for (c, idx) in class_indices.iter().enumerate() {
        let perm = rng.permutation(counts[c]);
        let p: Vec<usize> = perm.iter().map(|&j| idx[j]).collect();
        train.extend_from_slice(&p[..n_i[c]]);
        test.extend_from_slice(&p[n_i[c]..n_i[c] + t_i[c]]);
    }
    rng.shuffle(&mut train);
    rng.shuffle(&mut test);
    Ok((train, test))
}

/// sklearn's `_approximate_mode`: floor of the proportional share, then the remaining
/// draws go to the largest remainders, ties chosen by `rng.choice(..., replace=False)`
/// (legacy: the first `size` entries of a permutation).
fn approximate_mode(class_counts: &[usize], n_draws: usize, rng: &mut Mt19937) -> Vec<usize> {
    let total = class_counts.iter().sum::<usize>() as f64;
    let continuous: Vec<f64> = class_counts
        .iter()
        .map(|&c| c as f64 / total * n_draws as f64)
        .collect();
    let mut floored: Vec<f64> = continuous.iter().map(|c| c.floor()).collect();
    // numpy sums these (small integers as f64) exactly in any order.
    let mut need = (n_draws as f64 - floored.iter().sum::<f64>()) as i64;
    if need > 0 {
        let remainder: Vec<f64> = continuous
            .iter()
            .zip(&floored)
            .map(|(c, f)| c - f)
            .collect();
        let mut values = remainder.clone();
        values.sort_by(|a, b| b.partial_cmp(a).expect("finite"));
        values.dedup();
        for value in values {
            let inds: Vec<usize> = (0..remainder.len())
                .filter(|&i| remainder[i] == value)
                .collect();
            let add_now = inds.len().min(need as usize);
            let perm = rng.permutation(inds.len());
            for &p in &perm[..add_now] {
                floored[inds[p]] += 1.0;
            }
            need -= add_now as i64;
            if need == 0 {
                break;
            }
        }
    }
    floored.iter().map(|&f| f as usize).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mt19937_matches_numpy_seed_42() {
        // np.random.RandomState(42).randint(0, 2**32, size=3, dtype=np.uint64)
        let mut r = Mt19937::new(42);
        assert_eq!(
            [r.next_u32(), r.next_u32(), r.next_u32()],
            [1608637542, 3421126067, 4083286876]
        );
    }

    #[test]
    fn permutation_matches_numpy() {
        // np.random.RandomState(42).permutation(10)
        assert_eq!(
            Mt19937::new(42).permutation(10),
            vec![8, 1, 5, 0, 7, 2, 9, 4, 3, 6]
        );
    }

    #[test]
    fn split_of_ten_matches_sklearn() {
        let (train, test) = train_test_split(10, TestSize::Fraction(0.2), 42, true, None).unwrap();
        assert_eq!(train, vec![5, 0, 7, 2, 9, 4, 3, 6]);
        assert_eq!(test, vec![8, 1]);
    }

    #[test]
    fn sizes_follow_sklearn_rounding_and_errors() {
        assert_eq!(validate_sizes(10, TestSize::Fraction(0.25)), Ok((7, 3)));
        assert_eq!(validate_sizes(10, TestSize::Count(3)), Ok((7, 3)));
        assert!(validate_sizes(10, TestSize::Fraction(1.0)).is_err());
        assert!(validate_sizes(10, TestSize::Count(10)).is_err());
        assert!(validate_sizes(1, TestSize::Fraction(0.5)).is_err());
    }
}
