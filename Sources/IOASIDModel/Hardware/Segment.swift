/// A piece of an address translation: `[first, last]` goes to `output + (iova - first)` with
/// `permissions` (read/write only). Both what a table holds and what the user asked for are
/// written as sorted segment lists, so that `translation` compares intervals, never pages.
public struct Segment: Hashable, Sendable {
    public var range: IOVARange
    public var output: UInt64
    public var permissions: Permissions

    public init(range: IOVARange, output: UInt64, permissions: Permissions) {
        self.range = range
        self.output = output
        self.permissions = permissions.intersection(.readWrite)
    }

    /// Where `iova` (inside the range) translates to.
    @inlinable public func translate(_ iova: UInt64) -> UInt64 { output &+ (iova &- range.first) }
}

/// Sorted, non-overlapping segment lists: normalisation, lookup and composition.
public enum Segments {
    /// Merges neighbours that continue each other (same permissions, contiguous in and out), so
    /// that two lists describing the same function compare equal however they were cut.
    public static func normalized(_ segments: [Segment]) -> [Segment] {
        var out: [Segment] = []
        out.reserveCapacity(segments.count)
        for s in segments.sorted(by: { $0.range.first < $1.range.first }) {
            if var last = out.last, last.permissions == s.permissions, last.range.last &+ 1 == s.range.first,
               last.range.last != .max, last.translate(last.range.last) &+ 1 == s.output {
                last.range.last = s.range.last
                out[out.count - 1] = last
            } else {
                out.append(s)
            }
        }
        return out
    }

    /// The segment covering `iova`, if any.
    public static func lookup(_ segments: [Segment], _ iova: UInt64) -> Segment? {
        let i = lowerBound(segments, iova, by: \.range.last)
        return i < segments.count && segments[i].range.contains(iova) ? segments[i] : nil
    }

    /// `second ∘ first`: each piece of `first` whose output `second` translates, with the
    /// intersection of the permissions (a nested walk checks both stages).
    public static func compose(_ first: [Segment], then second: [Segment]) -> [Segment] {
        var out: [Segment] = []
        for s in first {
            let outFirst = s.output
            guard let outRange = IOVARange(start: outFirst, length: s.range.length) else { continue }
            for t in second where t.range.intersects(outRange) {
                let lo = max(t.range.first, outRange.first), hi = min(t.range.last, outRange.last)
                let iova = s.range.first &+ (lo &- outFirst)
                out.append(Segment(range: IOVARange(first: iova, last: iova &+ (hi &- lo)), output: t.translate(lo),
                                   permissions: s.permissions.intersection(t.permissions)))
            }
        }
        return normalized(out)
    }

    /// The first address where two normalised lists disagree (a translation in one and not the
    /// other, or a different output or permission), or nil when they describe the same function.
    public static func firstDifference(_ a: [Segment], _ b: [Segment]) -> UInt64? {
        guard a != b else { return nil }
        // Candidate points: every boundary of either list; the first that differs is the answer.
        var points: [UInt64] = []
        for s in a + b {
            points.append(s.range.first)
            if s.range.last != .max { points.append(s.range.last + 1) }
        }
        for p in Set(points).sorted() {
            let x = lookup(a, p), y = lookup(b, p)
            switch (x, y) {
            case (nil, nil): continue
            case let (x?, y?) where x.translate(p) == y.translate(p) && x.permissions == y.permissions: continue
            default: return p
            }
        }
        return nil
    }

    /// Segments of the leaves a table holds.
    public static func of(_ table: PageTable) -> [Segment] {
        normalized(table.leaves.map { leaf in
            Segment(range: IOVARange(first: leaf.iova, last: leaf.iova &+ (table.size(of: leaf) - 1)),
                    output: leaf.output, permissions: leaf.permissions)
        })
    }
}
