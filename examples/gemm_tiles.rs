//! Probe of libtorch's matrix products at the encoder's shapes, on one thread, as the
//! encoder workers run them:
//!
//! 1. Batch invariance: does row r of `x[..m] · Wᵀ` depend on m (the number of rows in the
//!    call)? It does on CPUs whose kernels are picked by shape (AMX machines, see
//!    docs/performance.md); with a fixed row count per call it cannot.
//! 2. Speed of one call of m rows, for the row tile of `crate::model::bert`.
//!
//! `cargo run --release --example gemm_tiles` (prints the CPU flags first).
use std::time::Instant;

use tch::{Device, Kind, Tensor};

fn main() {
    tch::set_num_threads(1);
    tch::manual_seed(7);
    println!("cpu: {}", detente::model::device::cpu_summary());
    let shapes = [(384i64, 384i64), (384, 1536), (1536, 384)];
    for kind in [Kind::Float, Kind::BFloat16] {
        println!("\n{kind:?}");
        // 1. Invariance: rows 0..m of a product over m rows against the same rows of a
        //    product over 4096 rows.
        for &(k, n) in &shapes {
            let w = Tensor::randn([n, k], (Kind::Float, Device::Cpu)).to_kind(kind) * 0.05;
            let b = Tensor::randn([n], (Kind::Float, Device::Cpu)).to_kind(kind);
            let x = Tensor::randn([4096, k], (Kind::Float, Device::Cpu)).to_kind(kind);
            let full = x.linear(&w, Some(&b));
            let mut differ = Vec::new();
            for m in [1i64, 3, 7, 17, 28, 64, 100, 256, 512, 1000, 1792, 2048] {
                let part = x.narrow(0, 0, m).linear(&w, Some(&b));
                if !part.equal(&full.narrow(0, 0, m)) {
                    differ.push(m);
                }
            }
            // Tiles: the same rows at another position inside a fixed-size call.
            let tile = 512;
            let a = x.narrow(0, 0, tile).linear(&w, Some(&b));
            let shifted = Tensor::cat(&[x.narrow(0, 100, tile - 100), x.narrow(0, 0, 100)], 0)
                .linear(&w, Some(&b));
            let moved = !a
                .narrow(0, 0, 100)
                .equal(&shifted.narrow(0, tile - 100, 100));
            println!(
                "  {k}->{n}: rows differ from the 4096-row call for m = {differ:?}; \
                 a row moved within a {tile}-row call differs: {moved}"
            );
        }
        // 2. Speed per call size.
        for m in [128i64, 256, 512, 1024, 2048, 4096] {
            let mut flops = 0f64;
            let mut secs = 0f64;
            for &(k, n) in &shapes {
                let w = Tensor::randn([n, k], (Kind::Float, Device::Cpu)).to_kind(kind);
                let b = Tensor::randn([n], (Kind::Float, Device::Cpu)).to_kind(kind);
                let x = Tensor::randn([m, k], (Kind::Float, Device::Cpu)).to_kind(kind);
                let _ = x.linear(&w, Some(&b));
                let reps = (8192 / m).max(2) * 4;
                let t = Instant::now();
                for _ in 0..reps {
                    let _ = x.linear(&w, Some(&b));
                }
                secs += t.elapsed().as_secs_f64();
                flops += 2.0 * (m * k * n) as f64 * reps as f64;
            }
            println!("  m = {m:5}: {:6.1} GFLOP/s", flops / secs / 1e9);
        }
    }
}
