/// Devices: VFIO cdev bind/attach/detach/close over iommufd's attach, replace and detach
/// (`device.c`, `drivers/vfio/device_cdev.c`, `drivers/vfio/iommufd.c`; `iommufd.md` §4, §6).
extension IOMMUFD {
    /// The process's files, as the model numbers them (SPEC leaves the numbers open): 0–2 are the
    /// standard streams, 3 is the one iommufd, and device i's VFIO fd is 4 + i; any other number
    /// names no open file.
    static let iommufdFD: Int64 = 3

    /// `VFIO_DEVICE_BIND_IOMMUFD` (§4.1).
    func bind(device: Int, iommufd: Int64?, flags: UInt32, _ s: inout IOMMUFDState) throws(Errno) -> Outcome {
        guard flags == 0, (iommufd ?? 0) >= 0 else { throw .EINVAL }
        guard s.boundIDs[device] == 0 else { throw .EINVAL }
        if let fd = iommufd, fd != Self.iommufdFD {
            // main.c iommufd_ctx_from_fd: an fd naming no open file is EBADF (fget fails); an open
            // file that is not an iommufd is EBADFD.
            throw fd < Self.iommufdFD || (fd > Self.iommufdFD && fd - Self.iommufdFD <= Int64(topology.devices.count)) ? .EBADFD : .EBADF
        }
        let iommu = topology.iommu(of: device)
        // iommufd always maps with IOMMU_CACHE: a device that cannot do coherent DMA cannot bind.
        guard iommu.honoursCache else { throw .EINVAL }
        if config.compatCheck == .join {
            // Only the devices of the same VM (`deviceVMs`).
            for other in topology.devices.indices where s.boundIDs[other] != 0 && vm(of: other) == vm(of: device) {
                let a = topology.devices[device].iommu, b = topology.devices[other].iommu
                guard iommusCompatible(a, b) else { throw .EINVAL }
            }
        }
        // The binding driver is a user of the device until unbind.
        let id = s.insertObject(.device(device), users: 1)
        s.boundIDs[device] = id
        s.resetMockCache(device: device)
        return Outcome(.ok, outputs: [OutputField("out_devid", .number(UInt64(id)))], principal: UInt64(id))
    }

    /// `compat-check = join`: a domain of either IOMMU could serve the other, both ways.
    func iommusCompatible(_ a: Int, _ b: Int) -> Bool {
        func probe(_ owner: Int) -> Domain {
            let spec = topology.iommus[owner]
            return Domain(id: 0, iommu: owner, preset: spec.preset, enforcesCoherency: spec.canEnforceCoherency, dirtyTracking: false,
                          stage: .stage1, table: PageTable(preset: spec.preset))
        }
        return scopeAllows(probe(a), behind: b) && scopeAllows(probe(b), behind: a)
    }

    /// `VFIO_DEVICE_ATTACH_IOMMUFD_PT`: attach, or replace when already attached (§4.2).
    func vfioAttach(device: Int, flags: UInt32, ptID: UInt32, pasid: UInt32, _ s: inout IOMMUFDState) throws(Errno) -> Outcome {
        typealias C = IOMMUFDConstants
        guard s.boundIDs[device] != 0 else { throw .EINVAL }
        guard flags & ~C.VFIO_DEVICE_ATTACH_PASID == 0 else { throw .EINVAL }
        let usesPasid = flags & C.VFIO_DEVICE_ATTACH_PASID != 0
        let p: UInt32 = usesPasid ? pasid : 0
        let group = topology.devices[device].group
        let attached = s.attachment(group: group, pasid: p).map { $0.devices & bit(device) != 0 } ?? false
        let viaPasidFlag = s.ridThroughPasid & bit(device) != 0
        if p == 0, attached, usesPasid != viaPasidFlag {
            // The RID slot holds this device through the other ioctl path: VFIO attaches (it does
            // not replace), and the device-array insert finds the device there (device.c) → EBUSY.
            throw .EBUSY
        }
        if usesPasid, pasid == 0 {
            // drivers/vfio/iommufd.c vfio_iommufd_physical_pasid_attach_ioas: VFIO does not refuse
            // pasid 0; it records 0 in its PASID ida and calls iommufd_device_attach(idev, 0, …),
            // the RID path (reserved regions enforced); again on the same fd is a replace.
            let hwpt = try resolve(ptID: ptID, device: device, pasid: 0, replacing: attached, &s)
            s.ridThroughPasid |= bit(device)
            return Outcome(.ok, outputs: [OutputField("pt_id", .number(UInt64(hwpt)))], principal: UInt64(hwpt))
        }
        if attached, p == 0, addsWindow(device: device, ptID: ptID, s) {
            let hwpt = try attachWindow(device: device, ptID: ptID, &s)
            return Outcome(.ok, outputs: [OutputField("pt_id", .number(UInt64(hwpt)))], principal: UInt64(hwpt))
        }
        let hwpt = try resolve(ptID: ptID, device: device, pasid: p, replacing: attached, &s)
        return Outcome(.ok, outputs: [OutputField("pt_id", .number(UInt64(hwpt)))], principal: UInt64(hwpt))
    }

    /// `VFIO_DEVICE_DETACH_IOMMUFD_PT`: detaching what is not attached is a no-op.
    func vfioDetach(device: Int, flags: UInt32, pasid: UInt32, _ s: inout IOMMUFDState) throws(Errno) -> Outcome {
        typealias C = IOMMUFDConstants
        guard s.boundIDs[device] != 0 else { throw .EINVAL }
        guard flags & ~C.VFIO_DEVICE_DETACH_PASID == 0 else { throw .EINVAL }
        let usesPasid = flags & C.VFIO_DEVICE_DETACH_PASID != 0
        let viaPasidFlag = s.ridThroughPasid & bit(device) != 0
        // drivers/vfio/iommufd.c: vfio_iommufd_physical_pasid_detach_ioas returns quietly when the
        // PASID is not in the device's ida (0 included, unless the RID came through the PASID
        // flag), and vfio_iommufd_physical_detach_ioas when `iommufd_attached` is false (the RID
        // came through the PASID flag); the ioctl returns 0 either way.
        if usesPasid, pasid == 0, !viaPasidFlag { return .ok }
        if !usesPasid, viaPasidFlag { return .ok }
        detach(device: device, pasid: usesPasid ? pasid : 0, &s)
        return .ok
    }

    /// Closing the VFIO fd (`vfio_iommufd_physical_unbind`): PASIDs, then the RID, then unbind.
    func close(device: Int, _ s: inout IOMMUFDState) {
        let id = s.boundIDs[device]
        guard id != 0 else { return }
        let group = topology.devices[device].group
        let mine = s.attachments.filter { Int($0.group) == group && $0.devices & bit(device) != 0 }.map(\.pasid)
        for p in mine.sorted(by: { ($0 == 0 ? 1 : 0, $0) < ($1 == 0 ? 1 : 0, $1) }) { detach(device: device, pasid: p, &s) }
        tombstoneVDevice(of: device, &s)
        s.removeObject(id)
        s.boundIDs[device] = 0
    }

    func bit(_ device: Int) -> UInt64 { 1 << UInt64(device) }

    /// `pt_id` → the HWPT attached: an IOAS gives an automatic domain (an existing compatible
    /// auto HWPT of that IOAS, else a new one); a HWPT is used as is (§4.2).
    func resolve(ptID: UInt32, device: Int, pasid: UInt32, replacing: Bool, _ s: inout IOMMUFDState) throws(Errno) -> UInt32 {
        guard let pt = s.object(ptID) else { throw .ENOENT }
        switch pt.body {
        case .hwptPaging, .hwptNested:
            try connect(device: device, pasid: pasid, hwpt: ptID, replacing: replacing, &s)
            return ptID
        case .ioas:
            // device.c iommufd_device_auto_get_domain walks ioas->hwpt_list: creation order.
            let order = s.ioas(ptID)?.hwptOrder ?? []
            for id in order where s.paging(id)?.autoDomain == true {
                do {
                    try connect(device: device, pasid: pasid, hwpt: id, replacing: replacing, &s)
                    return id
                } catch .EINVAL {
                    continue   // incompatible: try the next, or allocate
                }
            }
            // A new auto domain, flags 0. An attach attaches it before it joins the IOAS
            // (immediate_attach); a replace has iommufd_hwpt_paging_alloc add it to the IOAS
            // first (iopt_table_add_domain: aperture, alignment, pins) and only then runs
            // iommufd_device_do_replace (device.c iommufd_device_auto_get_domain), so when both
            // would fail the errno differs.
            let id = try allocatePaging(ioasID: ptID, device: device, nestParent: false, dirty: false,
                                        pasidCompat: config.autoDomainsServePasids, auto: true, &s)
            if replacing {
                try addDomain(hwptID: id, &s)
                try connect(device: device, pasid: pasid, hwpt: id, replacing: true, &s)
            } else {
                try connect(device: device, pasid: pasid, hwpt: id, replacing: false, &s)
                try addDomain(hwptID: id, &s)
            }
            return id
        case .device, .viommu, .vdevice, .hwQueue, .fault, .veventq, .access:
            // iommufd_device_change_pt: any other object type.
            throw .EINVAL
        }
    }

    func connect(device: Int, pasid: UInt32, hwpt: UInt32, replacing: Bool, _ s: inout IOMMUFDState) throws(Errno) {
        if replacing { try replace(device: device, pasid: pasid, hwpt: hwpt, &s) } else { try attach(device: device, pasid: pasid, hwpt: hwpt, &s) }
    }

    /// `iommufd_hw_pagetable_attach`: one HWPT per (group, PASID); the first device of the group
    /// does the real attach, the others are bookkeeping.
    func attach(device: Int, pasid: UInt32, hwpt: UInt32, _ s: inout IOMMUFDState) throws(Errno) {
        let group = topology.devices[device].group
        if let i = s.attachmentIndex(group: group, pasid: pasid) {
            let a = s.attachments[i]
            guard a.devices & bit(device) == 0 else { throw .EBUSY }
            guard a.hwpt == hwpt else { throw .EINVAL }
            if pasid == 0 { try enforceReservedRegions(of: [device], hwpt: hwpt, s) }
            s.attachments[i].devices |= bit(device)
        } else {
            if pasid == 0 { try enforceReservedRegions(of: [device], hwpt: hwpt, s) }
            try checkPasidCompat(group: group, pasid: pasid, hwpt: hwpt, s)
            try checkPasidScope(group: group, pasid: pasid, hwpt: hwpt, s)
            try driverAttach(device: device, pasid: pasid, hwpt: hwpt, s)
            s.insertAttachment(Attachment(group: UInt16(group), pasid: pasid, hwpt: hwpt, devices: bit(device)))
            s.hardware.setRoute(group: group, pasid: pasid, domain: s.domainID(ofHWPT: hwpt)!)
            if pasid == 0, allowsWindows, let ioas = s.ioasID(ofHWPT: hwpt), let w = window(of: ioas, s) {
                s.hardware.clearRoutes(group: group, pasid: 0)
                s.hardware.addRoute(Route(group: group, pasid: 0, domain: s.domainID(ofHWPT: hwpt)!, window: w))
            }
        }
        s.addUsers(hwpt, 1)
        s.addUsers(s.boundIDs[device], 1)
    }

    /// `iommufd_device_do_replace`: moves the whole group at that PASID to the new HWPT; the old
    /// auto domain goes when it loses its last user. Failure changes nothing.
    func replace(device: Int, pasid: UInt32, hwpt: UInt32, _ s: inout IOMMUFDState) throws(Errno) {
        let group = topology.devices[device].group
        guard let first = s.attachmentIndex(group: group, pasid: pasid), s.attachments[first].devices & bit(device) != 0 else { throw .EINVAL }
        // With several windows on the RID, the window re-targeted is the one on the same IOAS, if
        // the device holds one (attaching again there changes nothing); else the first.
        var i = first
        if pasid == 0, allowsWindows, let target = s.ioasID(ofHWPT: hwpt),
           let same = s.attachments.firstIndex(where: { Int($0.group) == group && $0.pasid == 0 && $0.devices & bit(device) != 0
                                                        && s.ioasID(ofHWPT: $0.hwpt) == target }) {
            i = same
        }
        let old = s.attachments[i]
        guard old.hwpt != hwpt else { return }
        let members = topology.devices.indices.filter { old.devices & bit($0) != 0 }
        if pasid == 0, s.ioasID(ofHWPT: hwpt) != s.ioasID(ofHWPT: old.hwpt) {
            try enforceReservedRegions(of: members, hwpt: hwpt, s)
        }
        try checkPasidCompat(group: group, pasid: pasid, hwpt: hwpt, s)
        try checkPasidScope(group: group, pasid: pasid, hwpt: hwpt, s)
        try driverAttach(device: device, pasid: pasid, hwpt: hwpt, s)
        s.attachments[i].hwpt = hwpt
        if pasid == 0, allowsWindows {
            // Only this window's route moves; the device's other windows stay.
            let oldDomain = s.domainID(ofHWPT: old.hwpt)
            let w = s.ioasID(ofHWPT: hwpt).flatMap { window(of: $0, s) }
            for r in s.hardware.routes(group: group, pasid: 0) where r.domain == oldDomain { s.hardware.removeRoute(r) }
            s.hardware.addRoute(Route(group: group, pasid: 0, domain: s.domainID(ofHWPT: hwpt)!, window: w))
        } else {
            s.hardware.setRoute(group: group, pasid: pasid, domain: s.domainID(ofHWPT: hwpt)!)
        }
        s.addUsers(hwpt, members.count)
        s.addUsers(old.hwpt, -members.count)
        // iommufd_hwpt_replace_device: the requests the old HWPT's queue holds for them are answered.
        for m in members { autoRespondFaults(device: m, pasid: pasid, hwpt: old.hwpt, &s) }
        releaseIfUnusedAuto(old.hwpt, &s)
    }

    /// `iommufd_device_detach`: a no-op when not attached; the group's last device blocks DMA.
    func detach(device: Int, pasid: UInt32, _ s: inout IOMMUFDState) {
        let group = topology.devices[device].group
        // Under multi-attach a RID may hold several windows: every one goes.
        while let i = s.attachments.firstIndex(where: { Int($0.group) == group && $0.pasid == pasid && $0.devices & bit(device) != 0 }) {
            detachOne(device: device, pasid: pasid, at: i, &s)
        }
    }

    func detachOne(device: Int, pasid: UInt32, at i: Int, _ s: inout IOMMUFDState) {
        let group = topology.devices[device].group
        let hwpt = s.attachments[i].hwpt
        autoRespondFaults(device: device, pasid: pasid, hwpt: hwpt, &s)
        if pasid == 0 { s.ridThroughPasid &= ~bit(device) }
        s.attachments[i].devices &= ~bit(device)
        if s.attachments[i].devices == 0 {
            s.attachments.remove(at: i)
            s.hardware.clearRoutes(group: group, pasid: pasid)
        }
        s.addUsers(hwpt, -1)
        s.addUsers(s.boundIDs[device], -1)
        releaseIfUnusedAuto(hwpt, &s)
    }

    /// An auto domain is destroyed with its last user (`iommufd_hw_pagetable_put`).
    func releaseIfUnusedAuto(_ hwpt: UInt32, _ s: inout IOMMUFDState) {
        guard s.object(hwpt)?.users == 0 else { return }
        if let h = s.paging(hwpt), h.autoDomain { destroyObject(hwpt, &s) }
        // An automatic nested HWPT, and then its nest parent if that is automatic too.
        if let n = s.nested(hwpt), n.autoDomain {
            destroyObject(hwpt, &s)
            releaseIfUnusedAuto(n.parent, &s)
        }
    }

    /// §4.3: a RID attach reserves the devices' regions in the HWPT's IOAS; one over an area or an
    /// allowed range is EADDRINUSE.
    func enforceReservedRegions(of devices: [Int], hwpt: UInt32, _ s: IOMMUFDState) throws(Errno) {
        guard let ioasID = s.ioasID(ofHWPT: hwpt), let ioas = s.ioas(ioasID) else { return }
        for d in devices {
            for r in topology.devices[d].reserved {
                if ioas.areas.contains(where: { $0.range.intersects(r) }) || ioas.allowed.contains(where: { $0.intersects(r) }) {
                    throw .EADDRINUSE
                }
            }
        }
    }

    /// §6 rules 2–3: PASID attachments need PASID-compatible HWPTs, and the RID must agree.
    func checkPasidCompat(group: Int, pasid: UInt32, hwpt: UInt32, _ s: IOMMUFDState) throws(Errno) {
        let compat = isPasidCompat(hwpt, s)
        if pasid == 0 {
            let pasidsAttached = s.attachments.contains { Int($0.group) == group && $0.pasid != 0 }
            if pasidsAttached, !compat { throw .EINVAL }
        } else {
            guard compat else { throw .EINVAL }
            if let rid = s.attachment(group: group, pasid: 0), !isPasidCompat(rid.hwpt, s) { throw .EINVAL }
        }
    }

    /// `pasid-scope = global` (a design knob; iommufd as merged is `per-device`): once PASID p
    /// serves an address space on some device, p may serve only that address space on any
    /// device, and that address space only at p — EINVAL otherwise.
    func checkPasidScope(group: Int, pasid: UInt32, hwpt: UInt32, _ s: IOMMUFDState) throws(Errno) {
        guard pasid != 0, config.pasidScope != .perDevice, let domain = s.domainID(ofHWPT: hwpt) else { return }
        let space = s.addressSpace(of: domain)
        // Under per-vm the rule holds inside one VM (`deviceVMs`; iommufd is one VM).
        let vm = topology.members(of: group).first.map(vm(of:)) ?? 0
        for r in s.hardware.routes where r.pasid != 0 && !(Int(r.group) == group && r.pasid == pasid) {
            if config.pasidScope == .perVM, (topology.members(of: Int(r.group)).first.map(vm(of:)) ?? 0) != vm { continue }
            let other = s.addressSpace(of: r.domain)
            if r.pasid == pasid, other != space { throw .EINVAL }
            if r.pasid != pasid, other == space { throw .EINVAL }
        }
    }

    func isPasidCompat(_ hwpt: UInt32, _ s: IOMMUFDState) -> Bool {
        s.paging(hwpt)?.pasidCompat ?? s.nested(hwpt)?.pasidCompat ?? false
    }

    /// The driver's `attach_dev` / `set_dev_pasid` and the core's PASID range check: EINVAL for a
    /// dirty-tracking domain on a device without it, a domain the `domain-scope` rule refuses
    /// (unless `compat-check` is not `attach`), or a PASID beyond the group's width.
    func driverAttach(device: Int, pasid: UInt32, hwpt: UInt32, _ s: IOMMUFDState) throws(Errno) {
        guard let domainID = s.domainID(ofHWPT: hwpt), let domain = s.hardware.domain(domainID) else { throw .EINVAL }
        if pasid != 0 {
            // A device without PASID support is refused here (a documented choice, iommufd.md §6.4).
            guard topology.pasidBits(of: device) > 0 else { throw .EINVAL }
            for m in topology.members(of: topology.devices[device].group) {
                let bits = topology.pasidBits(of: m)
                if bits > 0, UInt64(pasid) >> UInt64(bits) != 0 { throw .EINVAL }
            }
        }
        let stage2 = domain.parent.flatMap(s.hardware.domain) ?? domain
        // The core sets the domain on every device of the group (iommu.c
        // __iommu_group_set_domain_internal, rolled back on any failure), so each member's driver
        // must accept it: a dirty-tracking domain cannot reach a group with a no-dirty member.
        if stage2.dirtyTracking, topology.members(of: topology.devices[device].group).contains(where: { !topology.devices[$0].dirtyTracking }) {
            throw .EINVAL
        }
        if config.compatCheck == .attach {
            let iommuIndex = topology.devices[device].iommu
            guard scopeAllows(stage2, behind: iommuIndex) else { throw .EINVAL }
            if domain.isNested, domain.preset != topology.iommus[iommuIndex].stage1Preset { throw .EINVAL }
        }
        // Every member of the group, as above; PASID attaches of a vIOMMU's nested domain are not
        // checked this way by the mock's set_dev_pasid.
        if pasid == 0 {
            for m in topology.members(of: topology.devices[device].group) { try checkVDevice(for: m, hwpt: hwpt, s) }
        }
    }
}
