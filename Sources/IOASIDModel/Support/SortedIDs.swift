// Lookups over arrays kept sorted by id: the object table, the domains, segment lists.

/// The lowest id ≥ 1 not in `sorted` (ascending): the kernel's `xa_alloc` with XA_FLAGS_ALLOC1.
public func lowestFreeID<T: FixedWidthInteger>(in sorted: some Sequence<T>) -> T {
    var candidate: T = 1
    for id in sorted {
        if id == candidate { candidate += 1 } else if id > candidate { break }
    }
    return candidate
}

/// The index of the first element of `sorted` whose key is not below `key` (`sorted` ascending by
/// `keyOf`): the binary search behind the id lookups of sorted object and domain arrays.
@inlinable
public func lowerBound<C: RandomAccessCollection, K: Comparable>(_ sorted: C, _ key: K, by keyOf: (C.Element) -> K) -> C.Index {
    var lo = sorted.startIndex, hi = sorted.endIndex
    while lo < hi {
        let mid = sorted.index(lo, offsetBy: sorted.distance(from: lo, to: hi) / 2)
        if keyOf(sorted[mid]) < key { lo = sorted.index(after: mid) } else { hi = mid }
    }
    return lo
}
