//! A short-lived cache of what plan pages and agency homes read: plans change rarely and are read
//! by ~130 agencies. Every write this process makes to plans or agencies bumps the generation,
//! which empties the cache; entries also expire after [`TTL`], so a change made by another process
//! (a CLI import, a second server on the same PostgreSQL) shows within that time.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
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
}

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
