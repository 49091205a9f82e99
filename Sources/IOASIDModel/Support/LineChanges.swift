/// The lines of a state description that changed, found part by part: a part that compares equal
/// (often the same shared buffer, so in constant time) is not described at all, and sorted lists
/// are merged by key so that only their differing elements are formatted. A trace of n steps
/// then costs the lines it changes, not n full descriptions.
public struct LineChanges {
    public private(set) var removed: [String] = []
    public private(set) var added: [String] = []
    /// Lines formatted to find the changes: the measure of the work (a test bounds it).
    public private(set) var formatted = 0

    public init() {}

    /// `- ` before each removed line, then `+ ` before each added one.
    public var lines: [String] { removed.map { "- " + $0 } + added.map { "+ " + $0 } }

    /// A part described as a whole, when it changed: its lines that are not in the other's.
    public mutating func whole<T: Equatable>(_ old: T, _ new: T, _ describe: (T) -> [String]) {
        guard old != new else { return }
        let was = describe(old), now = describe(new)
        formatted += was.count + now.count
        let wasSet = Set(was), nowSet = Set(now)
        removed += was.filter { !nowSet.contains($0) }
        added += now.filter { !wasSet.contains($0) }
    }

    /// Two lists sorted by a unique `key`, merged: an element only in one is described as removed
    /// or added, one whose key is in both but which differs is described through `both`.
    public mutating func merge<T: Equatable, K: Comparable>(_ old: [T], _ new: [T], key: (T) -> K,
                                                           describe: (T) -> [String],
                                                           both: ((inout LineChanges, T, T) -> Void)? = nil) {
        guard old != new else { return }
        var i = 0, j = 0
        while i < old.count || j < new.count {
            if j == new.count || (i < old.count && key(old[i]) < key(new[j])) {
                let lines = describe(old[i])
                formatted += lines.count
                removed += lines
                i += 1
            } else if i == old.count || key(new[j]) < key(old[i]) {
                let lines = describe(new[j])
                formatted += lines.count
                added += lines
                j += 1
            } else {
                if old[i] != new[j] {
                    if let both { both(&self, old[i], new[j]) } else { whole(old[i], new[j], describe) }
                }
                i += 1
                j += 1
            }
        }
    }
}
