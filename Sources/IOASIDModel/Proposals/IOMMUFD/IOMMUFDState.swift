/// The state of one iommufd context and the hardware it drives: a value, hashed and compared
/// whole, small enough to keep millions of in a search.
public struct IOMMUFDState: Hashable, Sendable {
    /// The per-fd object table, sorted by id (ids are the lowest free ≥ 1, as `xa_alloc` gives).
    public var objects: [FDObject] = []
    /// For each topology device, the id of its DEVICE object while bound, else 0.
    public var boundIDs: [UInt32]
    /// Group attachments, sorted by (group, PASID).
    public var attachments: [Attachment] = []
    /// Devices (bit i: device i) whose RID was attached through VFIO's PASID flag with pasid 0:
    /// VFIO recorded 0 in the device's PASID ida and left `iommufd_attached` false, so the
    /// flagless ATTACH and DETACH treat the RID as not theirs (drivers/vfio/iommufd.c).
    public var ridThroughPasid: UInt64 = 0
    /// `ictx->account_mode` as `IOMMU_OPTION RLIMIT_MODE` sets it: 0 user (`IOPT_PAGES_ACCOUNT_USER`),
    /// 1 mm (`IOPT_PAGES_ACCOUNT_MM`). Both charge RLIMIT_MEMLOCK; only the counter differs.
    public var accountMode: UInt8 = 0
    /// `ictx->vfio_ioas`: the IOAS the VFIO compatibility ioctls on this fd act on, 0 for none
    /// (vfio_compat.c). `IOMMU_VFIO_IOAS` SET and CLEAR change it; destroying that IOAS clears it.
    public var vfioIOAS: UInt32 = 0
    /// The process pinned memory is charged to (`IOMMU_IOAS_CHANGE_PROCESS` moves it to the
    /// caller): 0 the VMM that opened the fd, n the model's n-th other process.
    public var chargedProcess: UInt8 = 0
    /// Processes 1…7 that exited (bit n: process n; `PROCESS_EXIT`): their memory is gone.
    public var exitedProcesses: UInt8 = 0
    /// The fields few operations touch (memfd sizes, dma-bufs, tombstones, the mock's cache
    /// slots), behind one reference: copying a state — which the search does for every successor —
    /// then retains one box instead of four buffers. See `IOMMUFDState+Rare.swift`.
    var rare = RareFields.Box.empty

    public func mockCacheSlotCleared(device: Int, slot: UInt32) -> Bool {
        device < mockCacheCleared.count && mockCacheCleared[device] & (1 << UInt8(slot)) != 0
    }

    public mutating func clearMockCache(device: Int, slots: UInt8) {
        if mockCacheCleared.count <= device { mockCacheCleared += Array(repeating: 0, count: device + 1 - mockCacheCleared.count) }
        mockCacheCleared[device] |= slots
    }

    /// A new mock device: its slots back to default (and the array back to empty when all are).
    public mutating func resetMockCache(device: Int) {
        guard device < mockCacheCleared.count else { return }
        mockCacheCleared[device] = 0
        if mockCacheCleared.allSatisfy({ $0 == 0 }) { mockCacheCleared = [] }
    }
    public var hardware = Hardware()

    public init(deviceCount: Int) {
        boundIDs = Array(repeating: 0, count: deviceCount)
    }

    // MARK: Object table

    public func objectIndex(_ id: UInt32) -> Int? {
        // A handful of objects, sorted: a scan that reads only their ids (a search through a
        // key closure copied each object, payload and all).
        for i in objects.indices {
            let x = objects[i].id
            if x >= id { return x == id ? i : nil }
        }
        return nil
    }

    public func object(_ id: UInt32) -> FDObject? { objectIndex(id).map { objects[$0] } }

    /// The lowest free id ≥ 1 (neither an object's nor a tombstone's).
    public var nextObjectID: UInt32 {
        guard !tombstones.isEmpty else { return lowestFreeID(in: objects.lazy.map(\.id)) }
        return lowestFreeID(in: (objects.map(\.id) + tombstones).sorted())
    }

    /// Adds an object with the next id and returns the id.
    @discardableResult
    public mutating func insertObject(_ body: ObjectBody, users: UInt32 = 0) -> UInt32 {
        let id = nextObjectID
        objects.insert(FDObject(id: id, users: users, body: body), at: objects.firstIndex { $0.id > id } ?? objects.count)
        return id
    }

    public mutating func removeObject(_ id: UInt32) {
        if let i = objectIndex(id) { objects.remove(at: i) }
    }

    /// Adds `delta` to an object's `users` (no-op for an id that is gone).
    public mutating func addUsers(_ id: UInt32, _ delta: Int) {
        guard let i = objectIndex(id) else { return }
        objects[i].users = UInt32(max(0, Int(objects[i].users) + delta))
    }

    public func ioas(_ id: UInt32) -> IOAS? {
        // Through the index: `object(id)` would copy the whole object first.
        guard let i = objectIndex(id), case .ioas(let x) = objects[i].body else { return nil }
        return x
    }

    /// Whether an area of IOAS `id` meets `range` (EEXIST for a fixed map: the usual failure of
    /// the search's maps), read in place.
    public func ioasHasArea(_ id: UInt32, meeting range: IOVARange) -> Bool {
        guard let i = objectIndex(id), case .ioas(let x) = objects[i].body else { return false }
        return x.areas.contains { $0.range.intersects(range) }
    }

    /// Whether `id` is an IOAS: most operations ask first, and most of them then fail, so the
    /// answer copies nothing.
    public func hasIOAS(_ id: UInt32) -> Bool {
        guard let i = objectIndex(id), case .ioas = objects[i].body else { return false }
        return true
    }

    public mutating func updateIOAS(_ id: UInt32, _ body: (inout IOAS) -> Void) {
        guard let i = objectIndex(id), case .ioas(var x) = objects[i].body else { return }
        body(&x)
        objects[i].body = .ioas(x)
    }

    public func paging(_ id: UInt32) -> HWPTPaging? {
        if case .hwptPaging(let x)? = object(id)?.body { return x }
        return nil
    }

    public func nested(_ id: UInt32) -> HWPTNested? {
        if case .hwptNested(let x)? = object(id)?.body { return x }
        return nil
    }

    public func viommu(_ id: UInt32) -> VIOMMU? {
        if case .viommu(let x)? = object(id)?.body { return x }
        return nil
    }

    /// The vDEVICE of a topology device (at most one in all: `idev->vdev`), with its id.
    public func vdevice(of device: Int) -> (id: UInt32, vdev: VDevice)? {
        for o in objects { if case .vdevice(let v) = o.body, v.device == device { return (o.id, v) } }
        return nil
    }

    /// The HWPT_PAGINGs built on an IOAS, ascending by id: its domains.
    /// Whether some paging HWPT holds a domain of `ioasID` (no array built: pinning asks per IOAS).
    public func hasPagingHWPT(on ioasID: UInt32) -> Bool {
        for i in objects.indices {
            if case .hwptPaging(let h) = objects[i].body, h.ioas == ioasID { return true }
        }
        return false
    }

    public func pagingHWPTs(on ioasID: UInt32) -> [(id: UInt32, hwpt: HWPTPaging)] {
        objects.compactMap { o in
            if case .hwptPaging(let h) = o.body, h.ioas == ioasID { return (o.id, h) }
            return nil
        }
    }

    /// The domain a HWPT id stands for.
    public func domainID(ofHWPT id: UInt32) -> DomainID? {
        switch object(id)?.body {
        case .hwptPaging(let h)?: return h.domain
        case .hwptNested(let h)?: return h.domain
        default: return nil
        }
    }

    /// The IOAS whose mappings a HWPT translates (a nested HWPT's through its parent).
    public func ioasID(ofHWPT id: UInt32) -> UInt32? {
        switch object(id)?.body {
        case .hwptPaging(let h)?: return h.ioas
        case .hwptNested(let h)?: return paging(h.parent)?.ioas
        default: return nil
        }
    }

    /// The guest address space a domain stands for (`domain/proposals.md` §4, vsva): a nested
    /// domain's guest stage-1 root; a paging domain's IOAS (one IOAS is one address space, at
    /// whatever HWPTs serve it); otherwise the domain.
    public func addressSpace(of domain: DomainID) -> AddressSpace {
        if let d = hardware.domain(domain), d.parent != nil { return hardware.addressSpace(of: domain) }
        for o in objects {
            if case .hwptPaging(let h) = o.body, h.domain == domain { return .ioas(h.ioas) }
        }
        return hardware.addressSpace(of: domain)
    }

    // MARK: Attachments

    public func attachmentIndex(group: Int, pasid: UInt32) -> Int? {
        attachments.firstIndex { Int($0.group) == group && $0.pasid == pasid }
    }

    public func attachment(group: Int, pasid: UInt32) -> Attachment? {
        attachmentIndex(group: group, pasid: pasid).map { attachments[$0] }
    }

    public mutating func insertAttachment(_ a: Attachment) {
        let at = attachments.firstIndex { ($0.group, $0.pasid) > (a.group, a.pasid) } ?? attachments.count
        attachments.insert(a, at: at)
    }
}

extension IOMMUFDState {
    /// A deep copy: every array rebuilt, so that no buffer is shared with `self` (parallel
    /// workers then never contend on the same reference counts).
    public func unshared() -> IOMMUFDState {
        var s = IOMMUFDState(deviceCount: 0)
        s.objects = objects.map { o in
            var o = o
            if case .ioas(var x) = o.body {
                x.areas = x.areas.map { $0 }
                x.allowed = x.allowed.map { $0 }
                o.body = .ioas(x)
            }
            return o
        }
        s.boundIDs = boundIDs.map { $0 }
        s.attachments = attachments.map { $0 }
        s.accountMode = accountMode
        s.vfioIOAS = vfioIOAS
        s.chargedProcess = chargedProcess
        s.exitedProcesses = exitedProcesses
        s.rare = RareFields.Box(rare.value.unshared())
        s.ridThroughPasid = ridThroughPasid
        s.hardware = hardware.unshared()
        return s
    }
}

extension IOMMUFDState {
    /// A goal atom on a state with iommufd's objects (iommufd and the designs built on its
    /// kernel): `joined` is a bound device, `attached` an attachment record, `exists` counts
    /// objects; the rest read the hardware.
    public func holds(_ atom: GoalAtom, _ topology: Topology) -> Bool {
        switch atom {
        case .joined(let device, _): return boundIDs[device] != 0
        case .attached(let device, let pasid):
            let group = topology.devices[device].group
            return attachments.contains { Int($0.group) == group && $0.pasid == pasid && $0.devices & (1 << UInt64(device)) != 0 }
        case .exists(let kind, let count):
            switch kind {
            case .domain: return atom.holds(in: hardware, topology)
            case .ioas: return objects.count(where: { if case .ioas = $0.body { true } else { false } }) >= count
            case .hwpt: return objects.count(where: { switch $0.body { case .hwptPaging, .hwptNested: true; default: false } }) >= count
            case .device: return objects.count(where: { if case .device = $0.body { true } else { false } }) >= count
            }
        default: return atom.holds(in: hardware, topology)
        }
    }
}
