//! A short-lived cache of what plan pages and agency homes read: plans change rarely and are read
//! by ~130 agencies. Every write this process makes to plans or agencies bumps the generation,
//! which empties the cache; entries also expire after [`TTL`], so a change made by another process
//! (a CLI import, a second server on the same PostgreSQL) shows within that time.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use theodoi_domain::indicator::Figure;
use theodoi_store::views::{PlanContent, PlanView};
use theodoi_store::workspace::{AgencyDetail, AgencyDuty, AgencyTask};

pub const TTL: Duration = Duration::from_secs(10);

/// What an agency's home shows that comes from the plans.
#[derive(Debug, Clone)]
pub struct AgencyWork {
    pub agency: AgencyDetail,
    pub tasks: Vec<AgencyTask>,
    pub duties: Vec<AgencyDuty>,
}

struct Entry<T> {
    generation: u64,
    at: Instant,
    value: Arc<T>,
}

#[derive(Default)]
pub struct Cache {
    generation: AtomicU64,
    plans: Mutex<HashMap<i64, Entry<(PlanView, PlanContent)>>>,
    agencies: Mutex<HashMap<i64, Entry<AgencyWork>>>,
    /// A round's summed figures with the accepted reports' fingerprint they were summed from.
    figures: Mutex<HashMap<i64, KeptFigures>>,
}

struct KeptFigures {
    key: FiguresKey,
    at: Instant,
    figures: Arc<Vec<Figure>>,
}

/// The accepted reports of a round a sum was taken from: see `Db::accepted_fingerprint`.
pub type FiguresKey = (i64, i64);

/// Summed figures are kept while the accepted reports stay the same, and at most this long (a
/// change the fingerprint cannot see, such as an agency merge, shows within it).
pub const FIGURES_TTL: Duration = Duration::from_secs(300);

fn get<T>(map: &Mutex<HashMap<i64, Entry<T>>>, key: i64, generation: u64) -> Option<Arc<T>> {
    let map = map.lock().ok()?;
    map.get(&key)
        .filter(|e| e.generation == generation && e.at.elapsed() < TTL)
        .map(|e| Arc::clone(&e.value))
}

fn put<T>(map: &Mutex<HashMap<i64, Entry<T>>>, key: i64, generation: u64, value: Arc<T>) {
    if let Ok(mut map) = map.lock() {
        if map.len() > 10_000 {
            map.clear();
        }
        map.insert(
            key,
            Entry {
                generation,
                at: Instant::now(),
                value,
            },
        );
    }
}

impl Cache {
    /// A round's figures summed from the accepted reports `key` names, when kept.
    pub fn figures(&self, round: i64, key: FiguresKey) -> Option<Arc<Vec<Figure>>> {
        let map = self.figures.lock().ok()?;
        map.get(&round)
            .filter(|k| k.key == key && k.at.elapsed() < FIGURES_TTL)
            .map(|k| Arc::clone(&k.figures))
    }

    pub fn put_figures(&self, round: i64, key: FiguresKey, figures: Arc<Vec<Figure>>) {
        if let Ok(mut map) = self.figures.lock() {
            if map.len() > 1_000 {
                map.clear();
            }
            map.insert(
                round,
                KeptFigures {
                    key,
                    at: Instant::now(),
                    figures,
                },
            );
        }
    }

    /// Forget everything: call after any write to plans or agencies.
    pub fn invalidate(&self) {
        self.generation.fetch_add(1, Ordering::SeqCst);
    }

    fn generation(&self) -> u64 {
        self.generation.load(Ordering::SeqCst)
    }

    pub fn plan(&self, id: i64) -> Option<Arc<(PlanView, PlanContent)>> {
        get(&self.plans, id, self.generation())
    }

    /// Store a value read at `generation` (taken before reading, so a write in between wins).
    pub fn put_plan(&self, id: i64, generation: u64, value: Arc<(PlanView, PlanContent)>) {
        put(&self.plans, id, generation, value);
    }

    pub fn agency(&self, id: i64) -> Option<Arc<AgencyWork>> {
        get(&self.agencies, id, self.generation())
    }

    pub fn put_agency(&self, id: i64, generation: u64, value: Arc<AgencyWork>) {
        put(&self.agencies, id, generation, value);
    }

    pub fn current(&self) -> u64 {
        self.generation()
    }
}
