/// Several IOASes on one device RID (`multi-attach`, `domain/proposals.md` S6: David Gibson's
/// two-window POWER devices). Under `disjoint-windows` or `unchecked`, attaching an attached RID
/// to another IOAS adds a second route, told apart by the IOAS's IOVA window (the hull of its
/// allow list; no allow list is the whole space), instead of replacing the first; the IOMMU holds
/// at most `windows=N` routes per RID (ENOSPC). `disjoint-windows` refuses a window that meets
/// another (EADDRINUSE), at attach and when `IOMMU_IOAS_ALLOW_IOVAS` would widen an attached
/// IOAS's window; `unchecked` does not (H4). Detaching the RID removes every RID route.
extension IOMMUFD {
    var allowsWindows: Bool { config.multiAttach != .perPasid }

    /// The IOVA window an IOAS is attached with: the hull of its allow list, nil for everything.
    func window(of ioasID: UInt32, _ s: IOMMUFDState) -> IOVARange? {
        guard allowsWindows, let ioas = s.ioas(ioasID), let first = ioas.allowed.first, let last = ioas.allowed.last else { return nil }
        return IOVARange(first: first.first, last: last.last)
    }

    /// The IOAS a `pt_id` leads to (a HWPT's, through a nested one's parent).
    func targetIOAS(_ ptID: UInt32, _ s: IOMMUFDState) -> UInt32? {
        if s.hasIOAS(ptID) { return ptID }
        return s.ioasID(ofHWPT: ptID)
    }

    /// Whether attaching the device's RID to `ptID` adds a window rather than replacing.
    func addsWindow(device: Int, ptID: UInt32, _ s: IOMMUFDState) -> Bool {
        guard allowsWindows, let target = targetIOAS(ptID, s) else { return false }
        let group = topology.devices[device].group
        let current = s.attachments.filter { Int($0.group) == group && $0.pasid == 0 }.compactMap { s.ioasID(ofHWPT: $0.hwpt) }
        return !current.isEmpty && !current.contains(target)
    }

    /// A second (third…) RID route for the device, to `ptID`'s IOAS.
    func attachWindow(device: Int, ptID: UInt32, _ s: inout IOMMUFDState) throws(Errno) -> UInt32 {
        let group = topology.devices[device].group
        guard let target = targetIOAS(ptID, s) else { throw .EINVAL }
        let rid = s.hardware.routes(group: group, pasid: 0)
        guard rid.count < topology.iommu(of: device).windows else { throw .ENOSPC }
        let w = window(of: target, s)
        if config.multiAttach == .disjointWindows, rid.contains(where: { ($0.window ?? .all).intersects(w ?? .all) }) { throw .EADDRINUSE }
        if !s.hasIOAS(ptID) {
            try addWindowAttachment(device: device, hwpt: ptID, window: w, &s)
            return ptID
        }
        for (id, h) in s.pagingHWPTs(on: ptID) where h.autoDomain {
            do {
                try addWindowAttachment(device: device, hwpt: id, window: w, &s)
                return id
            } catch .EINVAL {
                continue
            }
        }
        let id = try allocatePaging(ioasID: ptID, device: device, nestParent: false, dirty: false,
                                    pasidCompat: config.autoDomainsServePasids, auto: true, &s)
        try addWindowAttachment(device: device, hwpt: id, window: w, &s)
        try addDomain(hwptID: id, &s)
        return id
    }

    func addWindowAttachment(device: Int, hwpt: UInt32, window: IOVARange?, _ s: inout IOMMUFDState) throws(Errno) {
        let group = topology.devices[device].group
        try enforceReservedRegions(of: [device], hwpt: hwpt, s)
        try driverAttach(device: device, pasid: 0, hwpt: hwpt, s)
        s.insertAttachment(Attachment(group: UInt16(group), pasid: 0, hwpt: hwpt, devices: bit(device)))
        s.hardware.addRoute(Route(group: group, pasid: 0, domain: s.domainID(ofHWPT: hwpt)!, window: window))
        s.addUsers(hwpt, 1)
        s.addUsers(s.boundIDs[device], 1)
    }

    /// After an IOAS's allow list changed: its RID routes take the new window; under
    /// `disjoint-windows` a window that would meet another route of the same RID is EADDRINUSE.
    func rewindow(_ ioasID: UInt32, _ s: inout IOMMUFDState) throws(Errno) {
        guard allowsWindows else { return }
        let domains = Set(s.pagingHWPTs(on: ioasID).map(\.hwpt.domain))
        let w = window(of: ioasID, s)
        for r in s.hardware.routes where r.pasid == 0 && domains.contains(r.domain) && r.window != w {
            let others = s.hardware.routes(group: Int(r.group), pasid: 0).filter { !domains.contains($0.domain) }
            if config.multiAttach == .disjointWindows, others.contains(where: { ($0.window ?? .all).intersects(w ?? .all) }) { throw .EADDRINUSE }
            s.hardware.removeRoute(r)
            var moved = r
            moved.window = w
            s.hardware.addRoute(moved)
        }
    }
}
