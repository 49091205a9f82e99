/// Two-stage translation (`domain/translation.md` §4): stage 1 maps IOVA → GPA and every one of its
/// table pointers, the root included, is a GPA that stage 2 must translate before the walker can
/// read the table; the final GPA goes through stage 2 once more.
///
/// A walk that misses every cache makes m·(n+1) + n = (m+1)(n+1) − 1 references for an m-level
/// guest table over an n-level host table; a large leaf at either stage shortens it, and the count
/// returned is the references really made.
public enum NestedWalk {
    /// Bytes of one table descriptor: the entry fetched is at `table GPA + index * 8`.
    public static let descriptorBytes: UInt64 = 8

    /// Walks `iova` through `stage1` (whose `rootAddress` and table addresses are GPAs) and `stage2`.
    /// - Parameter access: checked at both stages; nil walks like `iova_to_phys`.
    /// - Returns: the host physical address, or the fault: a stage-1 fault (reported to the guest),
    ///   a stage-2 fault while fetching a stage-1 table (`FaultSite.stage1TableFetch`, seen by the
    ///   hypervisor), or a stage-2 fault on the output.
    public static func walk(stage1: PageTable, stage2: PageTable, iova: UInt64, access: Access? = nil) -> WalkResult {
        let format = stage1.format
        guard iova < format.inputLimit else {
            return .fault(Fault(kind: .addressSize, stage: .stage1, level: 0, refs: 0))
        }
        var refs = 0
        var tableGPA = stage1.rootAddress
        for level in 0..<format.levels {
            let descriptor = tableGPA &+ format.index(iova, level: level) * descriptorBytes
            switch stage2.walk(descriptor, access: .read, stage: .stage2) {
            case .fault(var fault):
                fault.refs += refs
                fault.site = .stage1TableFetch(level: level)
                return .fault(fault)
            case .translated(let fetch):
                refs += fetch.refs + 1 // the stage-2 walk, then the stage-1 descriptor itself
            }
            switch stage1.entry(at: level, for: iova) {
            case .invalid:
                return .fault(Fault(kind: .translation, stage: .stage1, level: level, refs: refs))
            case .table(let next):
                tableGPA = next.address
            case .leaf(let leaf):
                if let access, !leaf.permissions.allows(access) {
                    return .fault(Fault(kind: .permission, stage: .stage1, level: level, refs: refs))
                }
                let leafSize = format.entrySize(level)
                let gpa = leaf.output &+ (iova - leaf.iova)
                switch stage2.walk(gpa, access: access, stage: .stage2) {
                case .fault(var fault):
                    fault.refs += refs
                    return .fault(fault)
                case .translated(let host):
                    return .translated(Translation(
                        output: host.output,
                        permissions: leaf.permissions.intersection(host.permissions),
                        pageSize: min(leafSize, host.pageSize),
                        level: level,
                        refs: refs + host.refs))
                }
            }
        }
        // Unreachable for a valid table (the last level holds leaves or nothing); stay total anyway.
        return .fault(Fault(kind: .translation, stage: .stage1, level: format.levels - 1, refs: refs))
    }
}
