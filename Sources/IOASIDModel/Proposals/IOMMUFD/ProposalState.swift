/// The state only some of the machine's designs keep beside iommufd's objects: dev-ioasid's PASIDs
/// and fds.
public struct ProposalState: Hashable, Sendable {
    public var pasids: [UInt32] = []
    /// dev-ioasid: the fd each topology device joined (0: none); empty while no device joined.
    public var deviceFds: [UInt8] = []

    public init() {}

    public var isEmpty: Bool { self == ProposalState() }

    /// A copy sharing no buffer with `self`.
    func unshared() -> ProposalState {
        var s = self
        s.pasids = pasids.map { $0 }
        s.deviceFds = deviceFds.map { $0 }
        return s
    }
}

/// `ProposalState` behind one reference, nil while empty: every state the explorer copies retains
/// and releases each of its buffers, and iommufd's states — the most explored — have none of these.
struct ProposalStateBox: Hashable, @unchecked Sendable {
    final class Storage {
        var value: ProposalState
        init(_ value: ProposalState) { self.value = value }
    }

    private var storage: Storage?

    init() {}

    /// Whether anything is kept (iommufd's states never keep anything).
    var isSet: Bool { storage != nil }

    var value: ProposalState {
        get { storage?.value ?? ProposalState() }
        set {
            if newValue.isEmpty {
                storage = nil
            } else if isKnownUniquelyReferenced(&storage) {
                storage!.value = newValue
            } else {
                storage = Storage(newValue)
            }
        }
    }

    static func == (a: ProposalStateBox, b: ProposalStateBox) -> Bool {
        a.storage === b.storage || a.value == b.value
    }

    func hash(into hasher: inout Hasher) { hasher.combine(value) }
}
