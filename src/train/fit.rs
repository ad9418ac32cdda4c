//! The fit loop: one model (LoRA delta and heads) trained multi-task from the cached
//! frozen states, with seeded batches of sentiment, tension and news sentences.
use std::time::Instant;

use tch::{nn, nn::Module, nn::OptimizerConfig, Tensor};

use super::cache;
use super::context::Context;
use super::data;
use super::rng::Rng;
use crate::model::bert::{self, Lora};

/// What the tension heads give for one sentence.
#[derive(Debug, Clone)]
pub struct Outputs {
    pub class_p: Vec<f64>,
    pub root_logits: Vec<f64>,
}

/// The tension pool of `t_train`: each own `--extra-tension` sentence in it (index
/// `n_measured` on) `repeat` times in all, the copies after the originals.
fn with_extra_repeats(t_train: &[usize], n_measured: usize, repeat: usize) -> Vec<usize> {
    let own: Vec<usize> = t_train
        .iter()
        .copied()
        .filter(|&i| i >= n_measured)
        .collect();
    let mut pool = t_train.to_vec();
    for _ in 1..repeat.max(1) {
        pool.extend_from_slice(&own);
    }
    pool
}

/// Items drawn in batches from reshuffled passes over a small set (which is thereby
/// oversampled relative to the sentiment sentences).
struct Pool<'a> {
    items: &'a [usize],
    left: Vec<usize>,
}

impl<'a> Pool<'a> {
    fn new(items: &'a [usize]) -> Pool<'a> {
        Pool {
            items,
            left: Vec::new(),
        }
    }

    fn draw(&mut self, rng: &mut Rng, n: usize) -> Option<Vec<usize>> {
        if n == 0 || self.items.len() < n {
            return None;
        }
        if self.left.len() < n {
            self.left = rng
                .permutation(self.items.len())
                .into_iter()
                .map(|k| self.items[k])
                .collect();
        }
        Some(self.left.split_off(self.left.len() - n))
    }
}

/// Cross-entropy of `logits` [n, k] against target probabilities [n, k], averaged over the
/// rows: the class cross-entropy when each target is one class.
pub fn soft_cross_entropy(logits: &Tensor, target: &Tensor) -> Tensor {
    -(target * logits.log_softmax(-1, tch::Kind::Float))
        .sum_dim_intlist(-1, false, tch::Kind::Float)
        .mean(tch::Kind::Float)
}

/// A trained model: the delta and the heads.
pub struct Trained {
    pub vs: nn::VarStore,
    pub lora: Lora,
    pub h_sent: nn::Linear,
    pub h_ten: nn::Linear,
    pub h_root: nn::Linear,
    pub h_news: nn::Linear,
    pub seconds: f64,
}

impl Context {
    /// The tuned layers over cached frozen states `x`, mean-pooled.
    pub(super) fn encode(&self, lora: &Lora, x: Tensor, mask: &Tensor, train: bool) -> Tensor {
        let h = bert::run_layers(
            &self.base,
            Some(lora),
            x,
            mask,
            self.recipe.start,
            self.base.layers(),
            train,
        );
        bert::pool(&h, mask)
    }

    /// Trains on the sentiment sentences `s_train`, tension sentences `t_train` and news
    /// sentences `n_train`.
    // `loss = loss + …` builds a new tensor; `+=` would add in place on the graph.
    #[allow(clippy::assign_op_pattern)]
    pub fn fit(
        &self,
        s_train: &[usize],
        t_train: &[usize],
        n_train: &[usize],
        log: &mut dyn FnMut(&str),
    ) -> Trained {
        let r = &self.recipe;
        tch::manual_seed(r.seed as i64);
        let mut rng = Rng::new(r.seed);
        let vs = nn::VarStore::new(tch::Device::Cpu);
        let lora = Lora::new(
            &(vs.root().set_group(0) / "lora"),
            &self.base,
            r.start,
            r.rank,
            r.alpha,
        );
        let zero = nn::LinearConfig {
            ws_init: nn::Init::Const(0.0),
            bs_init: Some(nn::Init::Const(0.0)),
            bias: true,
        };
        let heads = vs.root().set_group(1);
        let h = self.base.hidden;
        let t = Trained {
            h_sent: nn::linear(&heads / "sentiment", h, 1, zero),
            h_ten: nn::linear(&heads / "tension", h, data::CLASSES.len() as i64, zero),
            h_root: nn::linear(&heads / "root", h, data::ROOT_CLASS.len() as i64, zero),
            h_news: nn::linear(&heads / "news", h, data::NEWS_CLASSES.len() as i64, zero),
            lora,
            vs,
            seconds: 0.0,
        };
        let mut opt = nn::AdamW::default().build(&t.vs, r.lr).expect("AdamW");
        opt.set_weight_decay_group(0, 0.0);
        opt.set_weight_decay_group(1, r.head_weight_decay);

        let steps = ((s_train.len() as f64 * r.epochs) / r.sbs as f64).ceil() as usize;
        let warm = ((r.warmup * steps as f64) as usize).max(1);
        let factor = |s: usize| {
            let up = (s + 1) as f64 / warm as f64;
            let down = ((steps - s) as f64 / (steps - warm) as f64).max(0.0);
            up.min(down)
        };
        let lengths = self.sent_cache.lengths();
        let mut sent_batches: Vec<Vec<usize>> = Vec::new();
        let t_pool = with_extra_repeats(t_train, self.n_measured, r.extra_repeat);
        let (mut ten_pool, mut news_pool) = (Pool::new(&t_pool), Pool::new(n_train));
        // Every teacher-labelled sentence, in every model (none without --soft-tension,
        // and then no draw touches the generator).
        let all_soft: Vec<usize> = (0..self.soft.texts.len()).collect();
        let mut soft_pool = Pool::new(&all_soft);
        let ratings = &self.sentiment.train.ratings;
        let t0 = Instant::now();
        let (mut ls, mut lt, mut lr, mut ln, mut lk) = (0.0, 0.0, 0.0, 0.0, 0.0);
        let ema = |avg: &mut f64, x: &Tensor| {
            *avg = 0.98 * *avg + 0.02 * f64::try_from(x).unwrap_or(f64::NAN);
        };
        for step in 0..steps {
            if sent_batches.is_empty() {
                sent_batches = self.sentiment_epoch(&mut rng, s_train, &lengths);
            }
            let si = sent_batches.pop().expect("refilled");
            let (x, m) = self.sent_cache.batch(&si, r.max_len);
            let target: Vec<f32> = si.iter().map(|&i| (ratings[i] / 4.0) as f32).collect();
            let pred = t
                .h_sent
                .forward(&self.encode(&t.lora, x, &m, true))
                .squeeze_dim(-1);
            let loss_s = pred.mse_loss(&Tensor::from_slice(&target), tch::Reduction::Mean);
            ema(&mut ls, &loss_s);
            let mut loss = loss_s;
            if let Some(ti) = ten_pool.draw(&mut rng, r.tbs).filter(|_| r.w_ten > 0.0) {
                let (loss_t, loss_r) = self.tension_loss(&t, &ti);
                ema(&mut lt, &loss_t);
                loss = loss + loss_t * r.w_ten;
                if let Some(loss_r) = loss_r.filter(|_| r.w_root > 0.0) {
                    ema(&mut lr, &loss_r);
                    loss = loss + loss_r * r.w_root;
                }
            }
            if let Some(ni) = news_pool.draw(&mut rng, r.nbs).filter(|_| r.w_news > 0.0) {
                let (x, m) = self.news_cache.batch(&ni, r.max_len);
                let labels: Vec<i64> = ni.iter().map(|&i| self.news.labels[i] as i64).collect();
                let logits = t.h_news.forward(&self.encode(&t.lora, x, &m, true));
                let loss_n = logits.cross_entropy_for_logits(&Tensor::from_slice(&labels));
                ema(&mut ln, &loss_n);
                loss = loss + loss_n * r.w_news;
            }
            if let Some(ki) = soft_pool.draw(&mut rng, r.sobs).filter(|_| r.w_soft > 0.0) {
                let (x, m) = self.soft_cache.batch(&ki, r.max_len);
                let probs: Vec<f32> = ki.iter().flat_map(|&i| self.soft.probs[i]).collect();
                let target = Tensor::from_slice(&probs).view([ki.len() as i64, -1]);
                let logits = t.h_ten.forward(&self.encode(&t.lora, x, &m, true));
                let loss_k = soft_cross_entropy(&logits, &target);
                ema(&mut lk, &loss_k);
                loss = loss + loss_k * r.w_soft;
            }
            opt.set_lr_group(0, r.lr * factor(step));
            opt.set_lr_group(1, r.head_lr * factor(step));
            opt.zero_grad();
            loss.backward();
            opt.step();
            if step % 100 == 0 || step + 1 == steps {
                log(&format!(
                    "step {step}/{steps} mse {ls:.4} ce class {lt:.4} root {lr:.4} news {ln:.4} teacher {lk:.4} {:.0} s",
                    t0.elapsed().as_secs_f64()
                ));
            }
        }
        Trained {
            seconds: t0.elapsed().as_secs_f64(),
            ..t
        }
    }

    /// The class cross-entropy of a batch of tension sentences, and the root
    /// cross-entropy within each sentence's gold class over those with a silver root
    /// (`None` when none has).
    fn tension_loss(&self, t: &Trained, ti: &[usize]) -> (Tensor, Option<Tensor>) {
        let (x, m) = self.ten_cache.batch(ti, self.recipe.max_len);
        let e = self.encode(&t.lora, x, &m, true);
        let labels: Vec<i64> = ti.iter().map(|&i| self.tension.labels[i] as i64).collect();
        let logits = t.h_ten.forward(&e);
        let target = Tensor::from_slice(&labels);
        let weights = &self.recipe.class_weights;
        let loss_t = if weights.iter().all(|&w| w == 1.0) {
            logits.cross_entropy_for_logits(&target)
        } else {
            let w = Tensor::from_slice(&weights.map(|w| w as f32));
            logits.cross_entropy_loss(&target, Some(w), tch::Reduction::Mean, -100, 0.0)
        };
        let with: Vec<(usize, usize)> = ti
            .iter()
            .enumerate()
            .filter_map(|(b, &i)| self.roots[i].map(|r| (b, r)))
            .collect();
        if with.is_empty() {
            return (loss_t, None);
        }
        let rows: Vec<i64> = with.iter().map(|&(b, _)| b as i64).collect();
        let logits = t
            .h_root
            .forward(&e.index_select(0, &Tensor::from_slice(&rows)));
        // Roots outside the gold class are masked out: a softmax within the class.
        let outside: Vec<bool> = with
            .iter()
            .flat_map(|&(_, r)| {
                let c = data::ROOT_CLASS[r];
                data::ROOT_CLASS.iter().map(move |&k| k != c)
            })
            .collect();
        let outside = Tensor::from_slice(&outside).view([with.len() as i64, -1]);
        let target: Vec<i64> = with.iter().map(|&(_, r)| r as i64).collect();
        let loss_r = logits
            .masked_fill(&outside, -1e9)
            .cross_entropy_for_logits(&Tensor::from_slice(&target));
        (loss_t, Some(loss_r))
    }

    /// One pass over the sentiment sentences in batches of similar length: shuffled, cut
    /// into chunks of 20 batches, each chunk sorted by length and cut into full batches,
    /// the batches shuffled. Returned in reverse order of use.
    fn sentiment_epoch(
        &self,
        rng: &mut Rng,
        s_train: &[usize],
        lengths: &[usize],
    ) -> Vec<Vec<usize>> {
        let sbs = self.recipe.sbs;
        let mut order = s_train.to_vec();
        rng.shuffle(&mut order);
        let mut batches: Vec<Vec<usize>> = Vec::new();
        for chunk in order.chunks(sbs * 20) {
            let sorted = cache::by_length(lengths, chunk);
            batches.extend(sorted.chunks_exact(sbs).map(<[usize]>::to_vec));
        }
        rng.shuffle(&mut batches);
        batches.reverse();
        batches
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_own_sentences_are_repeated_and_only_those_of_this_training_set() {
        // Labelled 0..5, own 5..8; a fold that trains on 0, 2, 5 and 7.
        assert_eq!(with_extra_repeats(&[0, 2, 5, 7], 5, 1), vec![0, 2, 5, 7]);
        assert_eq!(
            with_extra_repeats(&[0, 2, 5, 7], 5, 3),
            vec![0, 2, 5, 7, 5, 7, 5, 7]
        );
        assert_eq!(with_extra_repeats(&[0, 2], 5, 3), vec![0, 2]);
        assert_eq!(with_extra_repeats(&[0, 6], 5, 0), vec![0, 6]);
    }

    #[test]
    fn the_soft_cross_entropy_is_the_class_cross_entropy_for_one_hot_targets() {
        let logits = Tensor::from_slice(&[2.0f32, -1.0, 0.5, 0.0, 3.0, 1.0]).view([2, 3]);
        let hard = logits.cross_entropy_for_logits(&Tensor::from_slice(&[0i64, 1]));
        let one_hot = Tensor::from_slice(&[1.0f32, 0.0, 0.0, 0.0, 1.0, 0.0]).view([2, 3]);
        let soft = soft_cross_entropy(&logits, &one_hot);
        assert!((f64::try_from(&hard).unwrap() - f64::try_from(&soft).unwrap()).abs() < 1e-6);
        // Against a spread target it is the target's entropy plus the KL divergence from it:
        // at its least, the entropy, when the logits' probabilities are the target.
        let p = logits.softmax(-1, tch::Kind::Float);
        let at_target = f64::try_from(&soft_cross_entropy(&logits, &p)).unwrap();
        let entropy = f64::try_from(
            &-(&p * p.log()).sum_dim_intlist(-1, false, tch::Kind::Float).mean(tch::Kind::Float),
        )
        .unwrap();
        assert!((at_target - entropy).abs() < 1e-6);
        // Other logits read the same target worse.
        let other = Tensor::from_slice(&[0.0f32, 0.0, 0.0, 1.0, 1.0, 1.0]).view([2, 3]);
        assert!(f64::try_from(&soft_cross_entropy(&other, &p)).unwrap() > at_target + 0.01);
    }
}
