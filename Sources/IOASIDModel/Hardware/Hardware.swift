/// The hardware every proposal drives: the domains that exist and the routing of (group, PASID)
/// to domains. It knows nothing of any uAPI; the invariants are stated on it.
public struct Hardware: Hashable, Sendable {
    /// Domains sorted by id.
    public private(set) var domains: [Domain] = []
    /// Routes sorted by (group, PASID, domain). A proposal normally keeps one per (group, PASID);
    /// designs that allow more (`multi-attach`) are what `no-overlap` checks.
    public private(set) var routes: [Route] = []
    /// Translations cached by TRANSLATE, keyed by (group, PASID) and tagged with the domain walked.
    public var iotlb = IOTLB()

    public init() {}

    /// A hardware state put back together from its parts (`IOMMUFDState+Codec.swift`).
    init(domains: [Domain], routes: [Route], iotlb: IOTLB) {
        self.domains = domains
        self.routes = routes
        self.iotlb = iotlb
    }

    /// The index of domain `id` in `domains`.
    public func index(of id: DomainID) -> Int? {
        let i = lowerBound(domains, id, by: \.id)
        return i < domains.count && domains[i].id == id ? i : nil
    }

    public func domain(_ id: DomainID) -> Domain? { index(of: id).map { domains[$0] } }

    /// The lowest id no domain (freed ones included) uses.
    public var nextDomainID: DomainID { lowestFreeID(in: domains.lazy.map(\.id)) }

    /// Adds a domain built by `make` with the next free id; returns that id.
    @discardableResult
    public mutating func allocateDomain(_ make: (DomainID) -> Domain) -> DomainID {
        let id = nextDomainID
        let domain = make(id)
        domains.insert(domain, at: domains.firstIndex { $0.id > id } ?? domains.count)
        return id
    }

    /// Frees a domain. One that hardware still references stays, marked freed, so that the
    /// dangling reference is visible to `lifetime`.
    public mutating func freeDomain(_ id: DomainID) {
        guard let i = index(of: id) else { return }
        iotlb.invalidate(tag: UInt32(id))
        let children = domains.contains { $0.parent == id && !$0.freed }
        let referenced = routes.contains { $0.domain == id } || children
        if referenced { domains[i].freed = true } else { domains.remove(at: i) }
    }

    /// Edits a domain's state in place (its table, mostly).
    public mutating func update(_ id: DomainID, _ body: (inout Domain) throws(Errno) -> Void) throws(Errno) {
        guard let i = index(of: id) else { return }
        try body(&domains[i])
    }

    /// The routes of a group at a PASID.
    public func routes(group: Int, pasid: UInt32) -> [Route] {
        routes.filter { Int($0.group) == group && $0.pasid == pasid }
    }

    /// Points (group, PASID) at `domain`, replacing whatever it routed to.
    public mutating func setRoute(group: Int, pasid: UInt32, domain: DomainID) {
        clearRoutes(group: group, pasid: pasid)
        addRoute(Route(group: group, pasid: pasid, domain: domain))
    }

    /// Adds a route beside the existing ones (designs with several windows per RID).
    public mutating func addRoute(_ route: Route) {
        routes.insert(route, at: routes.firstIndex { route < $0 } ?? routes.count)
    }

    /// Blocks DMA of (group, PASID): no route.
    /// Which address space a domain stands for, as a guest sees it: a nested domain is its guest
    /// stage-1 table (the same table behind two IOMMUs is two domains but one address space);
    /// any other domain is itself.
    public func addressSpace(of id: DomainID) -> AddressSpace {
        guard let d = domain(id), d.parent != nil else { return .domain(id) }
        return .guestTable(root: d.table.rootAddress)
    }

    /// Removes one route, leaving any other at the same (group, PASID) (designs where two sides
    /// each keep an entry the other cannot see).
    public mutating func removeRoute(_ route: Route) {
        iotlb.invalidate(key: Self.key(group: Int(route.group), pasid: route.pasid))
        routes.removeAll { $0 == route }
        collectFreed()
    }

    public mutating func clearRoutes(group: Int, pasid: UInt32) {
        iotlb.invalidate(key: Self.key(group: group, pasid: pasid))
        routes.removeAll { Int($0.group) == group && $0.pasid == pasid }
        collectFreed()
    }

    /// A deep copy sharing no buffer with `self` (see `IOMMUFDState.unshared`).
    public func unshared() -> Hardware {
        var h = Hardware()
        h.domains = domains.map { d in
            var d = d
            d.table = d.table.unshared()
            return d
        }
        h.routes = routes.map { $0 }
        h.iotlb = iotlb.unshared()
        return h
    }

    /// Renames groups (symmetry reduction swaps interchangeable devices, each alone in its group).
    public mutating func renameGroups(_ rename: (Int) -> Int) {
        routes = routes.map { var r = $0; r.group = UInt16(rename(Int(r.group))); return r }.sorted()
        iotlb.renameKeys { RouteKey(device: UInt32(rename(Int($0.device))), pasid: $0.pasid) }
    }

    /// The IOTLB key of a route.
    public static func key(group: Int, pasid: UInt32) -> RouteKey { RouteKey(device: UInt32(group), pasid: pasid) }

    /// `iommu_iotlb_sync` after the kernel changed a domain's table over `[iova, iova+length)`:
    /// the domain's entries there go, and so do those of nested domains over it (a stage-2 change
    /// flushes the combined entries of its VMID).
    /// `nested: false` leaves the combined entries of nested domains over `id` in place: a host
    /// whose stage-2 invalidation does not reach them (`nested-iotlb-flush = parent-only`).
    public mutating func syncIOTLB(domain id: DomainID, iova: UInt64, length: UInt64, nested: Bool = true) {
        iotlb.invalidate(tag: UInt32(id), iova: iova, length: length)
        guard nested else { return }
        for child in domains where child.parent == id { iotlb.invalidate(tag: UInt32(child.id)) }
    }

    /// Drops freed domains nothing references any more.
    private mutating func collectFreed() {
        let live = domains.filter { !$0.freed }.compactMap(\.parent)
        let routed = routes.map(\.domain)
        domains.removeAll { $0.freed && !routed.contains($0.id) && !live.contains($0.id) }
    }
}

/// An address space as PASID rules compare them (`Hardware.addressSpace(of:)`).
public enum AddressSpace: Hashable, Sendable, CustomStringConvertible {
    case domain(DomainID)
    case guestTable(root: UInt64)
    /// The user address space a uAPI object (an IOAS) promises: every paging domain of it is
    /// that one space, whichever HWPT serves it.
    case ioas(UInt32)

    public var description: String {
        switch self {
        case .domain(let d): return "domain \(d)"
        case .guestTable(let root): return "guest table \(SizeText.hex(root))"
        case .ioas(let id): return "ioas \(id)"
        }
    }
}
