//! Independent questions answered on every core: the diagnostics' searches
//! share one read-only residual graph.

/// `items.iter().map(f).collect()`, split into one contiguous chunk per
/// available core; the order of the results is the order of the items.
pub fn map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    if cores < 2 || items.len() < 2 {
        return items.iter().map(f).collect();
    }
    let chunk = items.len().div_ceil(cores);
    std::thread::scope(|s| {
        let f = &f;
        let parts: Vec<_> = items
            .chunks(chunk)
            .map(|part| s.spawn(move || part.iter().map(f).collect::<Vec<R>>()))
            .collect();
        parts
            .into_iter()
            .flat_map(|p| p.join().expect("a diagnostics worker panicked"))
            .collect()
    })
}
