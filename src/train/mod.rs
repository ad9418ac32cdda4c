//! `detente train`: trains the trained scorers' weights (`models/heads/`) from the data,
//! with a fixed seed, and measures them. A rank-8 LoRA delta on the top encoder layers and
//! two linear heads (sentiment: rating / 4, MSE; tension: five classes, cross-entropy) are
//! trained together, multi-task, one epoch over the human-rated sentences with a small
//! tension batch each step. The frozen bottom layers are computed once ([`cache`]).
//! Optional: stratified k-fold cross-validation of the tension head, and a ridge stacking
//! stage that adds VADER's outputs to the sentiment head ([`stack`]). The NYT editorial
//! sentences are the test set: only scored, never trained or tuned on. See
//! `models/heads.md` for the recipe and the figures.
pub mod cache;
pub mod data;
pub mod evaluate;
pub mod export;
pub mod metrics;
pub mod pool;
pub mod rng;
pub mod stack;
pub mod table;

use std::path::PathBuf;
use std::time::Instant;

use serde_json::{json, Value};
use tch::{nn, nn::Module, nn::OptimizerConfig, Kind, Tensor};

use crate::error::Error;
use crate::model::bert::{self, Bert, Lora};
use crate::model::tokenize::SentenceTokenizer;
use crate::score::Vader;
use cache::Cache;
use rng::Rng;

/// The recipe; defaults are those of the shipped model.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Recipe {
    /// First tuned layer (0–5); layers below are frozen and cached.
    pub start: usize,
    pub rank: i64,
    pub alpha: f64,
    /// AdamW learning rate of the delta (no weight decay) and of the heads (decay 0.01).
    pub lr: f64,
    pub head_lr: f64,
    pub head_weight_decay: f64,
    pub epochs: f64,
    /// Sentiment and tension sentences per step.
    pub sbs: usize,
    pub tbs: usize,
    /// Weight of the tension loss (sentiment weighs 1).
    pub w_ten: f64,
    /// Weight of the root loss: cross-entropy of the silver root within the gold class,
    /// on the tension sentences that have one.
    pub w_root: f64,
    /// News sentiment sentences per step, and the weight of their cross-entropy.
    pub nbs: usize,
    pub w_news: f64,
    /// Tokens per training sentence.
    pub max_len: usize,
    /// Share of steps in linear warm-up (then linear decay to 0).
    pub warmup: f64,
    pub seed: u64,
    /// Keep the 10% dev split out of training (needed by the stacking stage).
    pub hold_out_dev: bool,
    /// Fit the VADER stacking stage on the dev split and ship it.
    pub stack: bool,
}

impl Default for Recipe {
    fn default() -> Recipe {
        Recipe {
            start: 2,
            rank: 8,
            alpha: 16.0,
            lr: 1e-3,
            head_lr: 5e-3,
            head_weight_decay: 0.01,
            epochs: 1.0,
            sbs: 32,
            tbs: 8,
            w_ten: 0.5,
            w_root: 0.5,
            nbs: 12,
            w_news: 0.5,
            max_len: 64,
            warmup: 0.06,
            seed: 1234,
            hold_out_dev: true,
            stack: true,
        }
    }
}

/// What to run and where to write.
#[derive(Debug, Clone)]
pub struct Job {
    pub recipe: Recipe,
    pub data: data::Paths,
    /// The models folder (base encoder in `all-MiniLM-L6-v2/`, VADER in `vader/`).
    pub models: PathBuf,
    /// Cross-validate the tension head with this many folds first (0: no CV).
    pub folds: usize,
    /// Run only these folds of the CV (`None`: all); pooled figures then cover them only.
    pub only_folds: Option<Vec<usize>>,
    /// Where each CV fold's out-of-fold predictions go (`fold-K.csv`; `None`: not written).
    pub cv_out: Option<PathBuf>,
    /// Train, measure and export the model (false: CV only).
    pub ship: bool,
    /// Where to export `heads.safetensors` and `config.json`.
    pub out: PathBuf,
    /// The parity sentences and the reference outputs written for the test suite.
    pub parity: PathBuf,
    pub reference: PathBuf,
    /// Where the frozen layers' states are kept between runs (`None`: memory only).
    pub cache: Option<PathBuf>,
}

/// Everything training needs, loaded once.
pub struct Context {
    pub recipe: Recipe,
    pub base: Bert,
    pub sentiment: data::Sentiment,
    pub tension: data::Labelled,
    /// The silver root of each tension sentence, if any.
    pub roots: Vec<Option<usize>>,
    /// Political-news sentences with one sentiment (0 negative, 1 neutral, 2 positive).
    pub news: data::Labelled,
    pub cameo: data::Cameo,
    pub vader: Vader,
    pub sent_cache: Cache,
    pub nyt_cache: Cache,
    pub ten_cache: Cache,
    pub news_cache: Cache,
    /// The codebook's example sentences.
    pub cameo_cache: Cache,
}

/// What the tension heads give for one sentence.
#[derive(Debug, Clone)]
pub struct Outputs {
    pub class_p: Vec<f64>,
    pub root_logits: Vec<f64>,
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

fn encoder_dir(models: &std::path::Path) -> PathBuf {
    models.join(crate::model::encoder::MODEL_NAME)
}

pub fn tokenizer(models: &std::path::Path, max_tokens: usize) -> Result<SentenceTokenizer, Error> {
    SentenceTokenizer::from_file(
        &encoder_dir(models).join(crate::model::encoder::TOKENIZER),
        max_tokens,
    )
}

impl Context {
    pub fn load(job: &Job, log: &mut dyn FnMut(&str)) -> Result<Context, Error> {
        let r = job.recipe.clone();
        let dir = encoder_dir(&job.models);
        let (config, vars) = bert::load_vars(
            &dir.join(crate::model::encoder::CONFIG),
            &dir.join(crate::model::encoder::WEIGHTS),
            tch::Device::Cpu,
        )?;
        let base = Bert::new(&vars.variables(), &config, Kind::Float)?;
        if r.start >= base.layers() {
            return Err(Error::Usage(format!(
                "--start {} leaves no layer to tune (the encoder has {})",
                r.start,
                base.layers()
            )));
        }
        let sentiment = data::load_sentiment(&job.data.hutto, r.seed)?;
        let tension = data::load_tension(&job.data.tension)?;
        let roots = data::load_roots(&job.data.roots, &tension)?;
        let (news, mixed) = data::load_news(&job.data.news)?;
        let cameo = data::load_cameo(&job.data.cameo_codes(), &job.data.cameo_goldstein())?;
        let vader = crate::score::lexicon::load_vader(&job.models)?;
        log(&format!(
            "data: {} sentiment training sentences ({} in the dev split), {} NYT test sentences, {} tension sentences ({} with a silver root), {} news sentences ({mixed} with mixed targets left out), {} codebook examples",
            sentiment.train.texts.len(),
            sentiment.dev.iter().filter(|&&d| d).count(),
            sentiment.nyt.texts.len(),
            tension.texts.len(),
            roots.iter().flatten().count(),
            news.texts.len(),
            cameo.examples.len()
        ));
        let tok = tokenizer(&job.models, cache::CACHE_TOKENS)?;
        let t0 = Instant::now();
        let weights = encoder_dir(&job.models).join(crate::model::encoder::WEIGHTS);
        let weights_sha = crate::model::files::sha256_file(&weights)?;
        let build = |texts: &[String]| -> Result<Cache, Error> {
            let ids = cache::tokenize(&tok, texts)?;
            match &job.cache {
                Some(dir) => Cache::load_or_build(&base, &ids, r.start, dir, &weights_sha),
                None => Ok(Cache::build(&base, &ids, r.start)),
            }
        };
        let sent_cache = build(&sentiment.train.texts)?;
        let nyt_cache = build(&sentiment.nyt.texts)?;
        let ten_cache = build(&tension.texts)?;
        let news_cache = build(&news.texts)?;
        let examples: Vec<String> = cameo.examples.iter().map(|x| x.text.clone()).collect();
        let cameo_cache = build(&examples)?;
        log(&format!(
            "frozen layers 0-{} cached in {:.0} s",
            r.start as i64 - 1,
            t0.elapsed().as_secs_f64()
        ));
        Ok(Context {
            recipe: r,
            base,
            sentiment,
            tension,
            roots,
            news,
            cameo,
            vader,
            sent_cache,
            nyt_cache,
            ten_cache,
            news_cache,
            cameo_cache,
        })
    }

    fn encode(&self, lora: &Lora, x: Tensor, mask: &Tensor, train: bool) -> Tensor {
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
        let (mut ten_pool, mut news_pool) = (Pool::new(t_train), Pool::new(n_train));
        let ratings = &self.sentiment.train.ratings;
        let t0 = Instant::now();
        let (mut ls, mut lt, mut lr, mut ln) = (0.0, 0.0, 0.0, 0.0);
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
            opt.set_lr_group(0, r.lr * factor(step));
            opt.set_lr_group(1, r.head_lr * factor(step));
            opt.zero_grad();
            loss.backward();
            opt.step();
            if step % 100 == 0 || step + 1 == steps {
                log(&format!(
                    "step {step}/{steps} mse {ls:.4} ce class {lt:.4} root {lr:.4} news {ln:.4} {:.0} s",
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
        let loss_t = t
            .h_ten
            .forward(&e)
            .cross_entropy_for_logits(&Tensor::from_slice(&labels));
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

    /// Tuned embeddings of cached sentences (up to 128 tokens), in `idx` order.
    pub fn embed(&self, t: &Trained, cache: &Cache, idx: &[usize]) -> Tensor {
        let lengths = cache.lengths();
        let order = cache::by_length(&lengths, idx);
        let mut rows: Vec<Option<Tensor>> = (0..cache.len()).map(|_| None).collect();
        tch::no_grad(|| {
            for chunk in order.chunks(128) {
                let (x, m) = cache.batch(chunk, cache::CACHE_TOKENS);
                let e = self.encode(&t.lora, x, &m, false);
                for (b, &i) in chunk.iter().enumerate() {
                    rows[i] = Some(e.get(b as i64));
                }
            }
        });
        let picked: Vec<Tensor> = idx
            .iter()
            .map(|&i| rows[i].take().expect("embedded"))
            .collect();
        Tensor::stack(&picked, 0)
    }

    /// The sentiment head's output (rating / 4) for cached sentences.
    pub fn sentiment_head(&self, t: &Trained, cache: &Cache, idx: &[usize]) -> Vec<f64> {
        let e = self.embed(t, cache, idx);
        let out = tch::no_grad(|| t.h_sent.forward(&e).squeeze_dim(-1).to_kind(Kind::Double));
        Vec::<f64>::try_from(&out).expect("doubles")
    }

    /// Class probabilities and root logits of cached sentences (the tension sentences or
    /// the codebook's examples).
    pub fn tension_outputs(&self, t: &Trained, cache: &Cache, idx: &[usize]) -> Vec<Outputs> {
        let e = self.embed(t, cache, idx);
        let (p, u) = tch::no_grad(|| {
            (
                t.h_ten.forward(&e).softmax(-1, Kind::Double),
                t.h_root.forward(&e).to_kind(Kind::Double),
            )
        });
        (0..idx.len() as i64)
            .map(|i| Outputs {
                class_p: Vec::<f64>::try_from(&p.get(i)).expect("doubles"),
                root_logits: Vec::<f64>::try_from(&u.get(i)).expect("doubles"),
            })
            .collect()
    }

    /// News sentiment class probabilities of cached sentences.
    pub fn news_probs(&self, t: &Trained, cache: &Cache, idx: &[usize]) -> Vec<Vec<f64>> {
        let e = self.embed(t, cache, idx);
        let p = tch::no_grad(|| t.h_news.forward(&e).softmax(-1, Kind::Double));
        (0..idx.len() as i64)
            .map(|i| Vec::<f64>::try_from(&p.get(i)).expect("doubles"))
            .collect()
    }

    /// The root configuration the export writes (names, classes, Goldstein values,
    /// conflict weights), which scoring reads back.
    pub fn roots(&self) -> Vec<crate::model::heads::RootConfig> {
        export::roots(&self.cameo)
    }

    /// Root figures of a model on the codebook's example sentences (never trained on).
    pub fn score_codebook(&self, t: &Trained) -> Value {
        let idx: Vec<usize> = (0..self.cameo.examples.len()).collect();
        let out = self.tension_outputs(t, &self.cameo_cache, &idx);
        let gold: Vec<usize> = self
            .cameo
            .examples
            .iter()
            .map(|x| {
                x.code[..2]
                    .parse::<usize>()
                    .expect("codes start with the root")
                    - 1
            })
            .collect();
        let values: Vec<f64> = self.cameo.examples.iter().map(|x| x.goldstein).collect();
        metrics::codebook(&out, &gold, &values, &self.roots())
    }

    pub fn dev_split(&self) -> (Vec<usize>, Vec<usize>) {
        let dev = &self.sentiment.dev;
        let held: Vec<usize> = (0..dev.len()).filter(|&i| dev[i]).collect();
        let train: Vec<usize> = if self.recipe.hold_out_dev {
            (0..dev.len()).filter(|&i| !dev[i]).collect()
        } else {
            (0..dev.len()).collect()
        };
        (train, held)
    }

    /// Sentiment metrics on dev and NYT for a trained model (head only) and returns the
    /// head outputs on both.
    pub fn score_sentiment(&self, t: &Trained) -> (Value, Vec<f64>, Vec<f64>) {
        let (_, dev) = self.dev_split();
        let d = self.sentiment_head(t, &self.sent_cache, &dev);
        let all_nyt: Vec<usize> = (0..self.nyt_cache.len()).collect();
        let n = self.sentiment_head(t, &self.nyt_cache, &all_nyt);
        let gold_dev: Vec<f64> = dev
            .iter()
            .map(|&i| self.sentiment.train.ratings[i])
            .collect();
        let gold_nyt: Vec<f64> = self.sentiment.nyt.ratings.clone();
        let x4 = |v: &[f64]| v.iter().map(|x| x * 4.0).collect::<Vec<_>>();
        let m = json!({
            "dev": metrics::sentiment(&x4(&d), &gold_dev),
            "dev_in_sample": !self.recipe.hold_out_dev,
            "nyt": metrics::sentiment(&x4(&n), &gold_nyt),
        });
        (m, d, n)
    }
}

/// VADER's compound on the NYT test set, the baseline the trained scorer is compared with
/// (thresholded at ±0.05 on its own scale, VADER's convention).
fn vader_baseline(ctx: &Context) -> Value {
    let pred: Vec<f64> = ctx
        .sentiment
        .nyt
        .texts
        .iter()
        .map(|t| ctx.vader.polarity_scores(t).compound)
        .collect();
    let gold: Vec<f64> = ctx.sentiment.nyt.ratings.clone();
    json!({ "nyt": metrics::sentiment(&pred, &gold) })
}

/// Stratified k-fold CV of the tension, root and news heads: the tension sentences and
/// the news sentences are each cut into k stratified folds, and fold f's model is trained
/// on the other folds of both plus the sentiment training sentences. With `out`, each
/// fold's held-out tension predictions are written to `out/fold-K.csv` as soon as the fold
/// ends, so folds run in separate processes can be pooled afterwards and a stopped run
/// keeps the folds it finished.
pub fn cross_validate(
    ctx: &Context,
    k: usize,
    only: Option<&[usize]>,
    out: Option<&std::path::Path>,
    log: &mut dyn FnMut(&str),
) -> Result<Value, Error> {
    let labels = &ctx.tension.labels;
    let fold = data::stratified_folds(labels, k, ctx.recipe.seed);
    let news_fold = data::stratified_folds(&ctx.news.labels, k, ctx.recipe.seed ^ 0x4E);
    let (s_train, _) = ctx.dev_split();
    let roots = ctx.roots();
    let mut pooled = Pooled::default();
    let mut per_fold = Vec::new();
    let mut seconds = 0.0;
    let chosen: Vec<usize> = (0..k)
        .filter(|f| only.is_none_or(|o| o.contains(f)))
        .collect();
    let split = |folds: &[usize], f: usize| -> (Vec<usize>, Vec<usize>) {
        (0..folds.len()).partition(|&i| folds[i] != f)
    };
    for &f in &chosen {
        let (t_train, t_eval) = split(&fold, f);
        let (n_train, n_eval) = split(&news_fold, f);
        log(&format!(
            "fold {f}: {} training, {} held-out tension sentences; {} training, {} held-out news sentences",
            t_train.len(),
            t_eval.len(),
            n_train.len(),
            n_eval.len()
        ));
        let t = ctx.fit(&s_train, &t_train, &n_train, log);
        seconds += t.seconds;
        let outputs = ctx.tension_outputs(&t, &ctx.ten_cache, &t_eval);
        let probs: Vec<Vec<f64>> = outputs.iter().map(|o| o.class_p.clone()).collect();
        let gold: Vec<usize> = t_eval.iter().map(|&i| labels[i]).collect();
        let m = metrics::tension(&probs, &gold);
        let news_p = ctx.news_probs(&t, &ctx.news_cache, &n_eval);
        let news_g: Vec<usize> = n_eval.iter().map(|&i| ctx.news.labels[i]).collect();
        if let Some(dir) = out {
            let path = dir.join(format!("fold-{f}.csv"));
            let extra = event_columns(ctx, &t_eval, &outputs);
            write_fold(
                &path,
                f,
                &t_eval,
                &gold,
                &probs,
                &data::CLASSES,
                &extra,
                &ctx.tension.texts,
            )?;
            let news_path = dir.join(format!("news-fold-{f}.csv"));
            write_fold(
                &news_path,
                f,
                &n_eval,
                &news_g,
                &news_p,
                &data::NEWS_CLASSES,
                &[],
                &ctx.news.texts,
            )?;
            log(&format!(
                "fold {f}: predictions in {} and {}",
                path.display(),
                news_path.display()
            ));
        }
        let news = metrics::news(&news_p, &news_g);
        let codebook = ctx.score_codebook(&t);
        let (sent, _, _) = ctx.score_sentiment(&t);
        log(&format!(
            "fold {f}: macro-F1 {:.3} accuracy {:.3} AUC {:.3}; news macro-F1 {:.3}; codebook root accuracy {:.3}, goldstein Spearman {:.3}; NYT r {:.3}",
            m.f1,
            m.acc,
            m.auc,
            news["f1"].as_f64().unwrap_or(f64::NAN),
            codebook["roots"]["acc"].as_f64().unwrap_or(f64::NAN),
            codebook["goldstein_spearman"].as_f64().unwrap_or(f64::NAN),
            sent["nyt"]["r"].as_f64().unwrap_or(f64::NAN)
        ));
        per_fold.push(
            json!({ "fold": f, "tension": m, "news": news, "codebook": codebook,
                              "sentiment": sent, "train_s": t.seconds.round() }),
        );
        for (o, &i) in outputs.into_iter().zip(&t_eval) {
            if let Some(r) = ctx.roots[i] {
                pooled.root_out.push(o.clone());
                pooled.root_gold.push(r);
            }
        }
        pooled.probs.extend(probs);
        pooled.gold.extend(gold);
        pooled.news_p.extend(news_p);
        pooled.news_g.extend(news_g);
    }
    Ok(json!({
        "folds": k,
        "folds_run": chosen,
        "per_fold": per_fold,
        "pooled": metrics::tension(&pooled.probs, &pooled.gold),
        "reliability": metrics::reliability(&pooled.probs, &pooled.gold),
        "roots_silver": metrics::roots(&pooled.root_out, &pooled.root_gold, &roots),
        "news": metrics::news(&pooled.news_p, &pooled.news_g),
        "news_reliability": metrics::reliability(&pooled.news_p, &pooled.news_g),
        "train_s": seconds.round(),
    }))
}

/// Out-of-fold predictions gathered over the folds.
#[derive(Default)]
struct Pooled {
    probs: Vec<Vec<f64>>,
    gold: Vec<usize>,
    root_out: Vec<Outputs>,
    root_gold: Vec<usize>,
    news_p: Vec<Vec<f64>>,
    news_g: Vec<usize>,
}

/// One fold's held-out predictions of one data set: `item` (0-based index of the
/// sentence among the set's sentences), `fold`, `gold` (class index), one probability per
/// class (`p_<label>`), the `extra` columns, and `sentence`.
#[allow(clippy::too_many_arguments)]
fn write_fold(
    path: &std::path::Path,
    fold: usize,
    items: &[usize],
    gold: &[usize],
    probs: &[Vec<f64>],
    labels: &[&str],
    extra: &[(&str, Vec<String>)],
    texts: &[String],
) -> Result<(), Error> {
    let io = |source: std::io::Error| Error::Io {
        path: path.to_path_buf(),
        source,
    };
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(io)?;
    }
    let csv_err = |source: csv::Error| Error::Csv {
        what: path.display().to_string(),
        source,
    };
    let mut w = csv::Writer::from_path(path).map_err(csv_err)?;
    let mut header = vec!["item".to_string(), "fold".into(), "gold".into()];
    header.extend(labels.iter().map(|c| format!("p_{c}")));
    header.extend(extra.iter().map(|(name, _)| name.to_string()));
    header.push("sentence".into());
    w.write_record(&header).map_err(csv_err)?;
    for (k, ((&i, &g), p)) in items.iter().zip(gold).zip(probs).enumerate() {
        let mut row = vec![i.to_string(), fold.to_string(), g.to_string()];
        row.extend(p.iter().map(|x| format!("{x:.6}")));
        row.extend(extra.iter().map(|(_, v)| v[k].clone()));
        row.push(texts[i].clone());
        w.write_record(&row).map_err(csv_err)?;
    }
    w.flush().map_err(io)
}

/// The tension fold file's extra columns: each sentence's silver root (or empty) and what
/// the scorer would report from the fold model's heads.
fn event_columns(
    ctx: &Context,
    items: &[usize],
    outputs: &[Outputs],
) -> Vec<(&'static str, Vec<String>)> {
    let roots = ctx.roots();
    let events: Vec<_> = outputs
        .iter()
        .map(|o| crate::score::tension::event(&o.class_p, &o.root_logits, &roots))
        .collect();
    let code = |r: usize| format!("{:02}", r + 1);
    vec![
        (
            "silver_root",
            items
                .iter()
                .map(|&i| ctx.roots[i].map(code).unwrap_or_default())
                .collect(),
        ),
        ("cameo_root", events.iter().map(|e| code(e.root)).collect()),
        (
            "cameo_confidence",
            events
                .iter()
                .map(|e| format!("{:.6}", e.root_confidence))
                .collect(),
        ),
        (
            "goldstein",
            events
                .iter()
                .map(|e| format!("{:.6}", e.goldstein))
                .collect(),
        ),
        (
            "tension",
            events.iter().map(|e| format!("{:.6}", e.tension)).collect(),
        ),
    ]
}

/// Everything measured, as written to the metrics file.
pub struct Outcome {
    pub metrics: Value,
}

/// Runs the job: optional CV, then the shipped model (trained, measured, exported).
pub fn run(job: &Job, log: &mut dyn FnMut(&str)) -> Result<Outcome, Error> {
    let t0 = Instant::now();
    if job.recipe.stack && !job.recipe.hold_out_dev {
        return Err(Error::Usage(
            "--stack needs the dev split held out (--hold-out-dev)".into(),
        ));
    }
    let ctx = Context::load(job, log)?;
    let mut m = json!({
        "recipe": job.recipe,
        "tension_file": job.data.tension.display().to_string(),
        "vader": vader_baseline(&ctx),
    });
    if job.folds > 1 {
        m["cv"] = cross_validate(
            &ctx,
            job.folds,
            job.only_folds.as_deref(),
            job.cv_out.as_deref(),
            log,
        )?;
    }
    if job.ship {
        let (s_train, _) = ctx.dev_split();
        let all_t: Vec<usize> = (0..ctx.tension.labels.len()).collect();
        let all_n: Vec<usize> = (0..ctx.news.labels.len()).collect();
        log("shipped model: all tension and news sentences");
        let t = ctx.fit(&s_train, &all_t, &all_n, log);
        let (sent, dev_head, nyt_head) = ctx.score_sentiment(&t);
        m["ship"] = json!({ "sentiment_head": sent, "train_s": t.seconds.round(),
                            "n_delta": t.lora.numel(), "codebook": ctx.score_codebook(&t) });
        let final_sentiment =
            export::finish_sentiment(&ctx, &dev_head, &nyt_head, &mut m["ship"], log);
        m["ship"]["nyt_sentiment_label"] = export::nyt_labels(&ctx, &t);
        export::export(&ctx, &t, &final_sentiment, job, log)?;
    }
    m["total_s"] = json!(t0.elapsed().as_secs_f64().round());
    Ok(Outcome { metrics: m })
}

/// A few lines that say what was measured.
pub fn summary(m: &Value) -> String {
    let f = |v: &Value| v.as_f64().map_or("-".to_string(), |x| format!("{x:.3}"));
    let mut lines = vec![format!(
        "VADER on NYT: r {} F1 {}",
        f(&m["vader"]["nyt"]["r"]),
        f(&m["vader"]["nyt"]["f1_3"])
    )];
    if let Some(cv) = m.get("cv") {
        lines.push(format!(
            "tension {}-fold CV (folds {}): macro-F1 {} accuracy {} AUC {} (training {} s)",
            cv["folds"],
            cv["folds_run"],
            f(&cv["pooled"]["f1"]),
            f(&cv["pooled"]["acc"]),
            f(&cv["pooled"]["auc"]),
            cv["train_s"]
        ));
        lines.push(format!(
            "  roots (held-out silver, {}): accuracy {}, without 01-02 {}; news sentiment macro-F1 {}",
            cv["roots_silver"]["n"],
            f(&cv["roots_silver"]["acc"]),
            f(&cv["roots_silver"]["acc_without_01_02"]),
            f(&cv["news"]["f1"])
        ));
    }
    if let Some(s) = m.get("ship") {
        let h = &s["sentiment_head"];
        lines.push(format!(
            "shipped head: dev r {} F1 {}{}; NYT r {} F1 {} (training {} s)",
            f(&h["dev"]["r"]),
            f(&h["dev"]["f1_3"]),
            if h["dev_in_sample"] == json!(true) {
                " (in-sample)"
            } else {
                ""
            },
            f(&h["nyt"]["r"]),
            f(&h["nyt"]["f1_3"]),
            s["train_s"]
        ));
        let c = &s["codebook"];
        lines.push(format!(
            "codebook examples ({}): root accuracy {}, without 01-02 {}; goldstein Spearman {}",
            c["roots"]["n"],
            f(&c["roots"]["acc"]),
            f(&c["roots"]["acc_without_01_02"]),
            f(&c["goldstein_spearman"])
        ));
        if let Some(st) = s.get("stack") {
            lines.push(format!(
                "stacked with VADER: NYT r {} F1 {}",
                f(&st["nyt"]["r"]),
                f(&st["nyt"]["f1_3"])
            ));
        }
    }
    lines.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fold_predictions_name_each_sentence_and_class() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cv/fold-1.csv");
        let texts = vec!["a".to_string(), "Talks, then \"war\".".into(), "c".into()];
        let probs = vec![vec![0.1, 0.2, 0.3, 0.25, 0.15]];
        let extra = [("cameo_root", vec!["19".to_string()])];
        write_fold(&path, 1, &[1], &[3], &probs, &data::CLASSES, &extra, &texts).unwrap();
        let mut r = csv::Reader::from_path(&path).unwrap();
        let header: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
        assert_eq!(
            header,
            [
                "item",
                "fold",
                "gold",
                "p_statement",
                "p_verbal_cooperation",
                "p_material_cooperation",
                "p_verbal_conflict",
                "p_material_conflict",
                "cameo_root",
                "sentence"
            ]
        );
        let rows: Vec<csv::StringRecord> = r.records().map(|x| x.unwrap()).collect();
        assert_eq!(rows.len(), 1);
        assert_eq!(
            rows[0].iter().collect::<Vec<_>>(),
            [
                "1",
                "1",
                "3",
                "0.100000",
                "0.200000",
                "0.300000",
                "0.250000",
                "0.150000",
                "19",
                "Talks, then \"war\"."
            ]
        );
    }
}
