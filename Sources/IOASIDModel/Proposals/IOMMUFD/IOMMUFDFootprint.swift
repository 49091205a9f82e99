import Explorer

/// What the operations `IOMMUFDSleepKey` names read and write, for `check --sleep-sets`: each
/// failing path by the state it looked at before failing, each success by all it may touch. The
/// paths whose reads spread through the object graph (attach, replace, detach, HWPT allocation,
/// destroy) touch all but what belongs to the other devices (their bindings and their DEVICE
/// objects); other operations read and write everything. `FootprintTests` checks the promise of
/// `Footprint` on random walks of every shipped model.
enum IOMMUFDFootprint {
    /// The resources, one bit each.
    /// The object with id `id` (its kind, payload and users); ids 32 apart share a bit.
    static func object(_ id: UInt32) -> UInt64 { 1 << UInt64(id % 32) }
    /// Which ids are taken (objects and tombstones): `nextObjectID` and the caps' counts.
    static let allocator: UInt64 = 1 << 32
    /// The set of objects that refer to others (HWPTs, vIOMMUs, vDEVICEs, queues, accesses…).
    static let referrers: UInt64 = 1 << 33
    /// Device `d`'s binding (`boundIDs`, `ridThroughPasid`, its mock cache slots); devices 8 apart share a bit.
    static func bound(_ d: Int) -> UInt64 { 1 << UInt64(34 + d % 8) }
    static let allBound: UInt64 = 0xff << 34
    /// Attachments and the hardware routes they program.
    static let attachments: UInt64 = 1 << 42
    /// Hardware domains, their tables and ids, and the IOTLB.
    static let hardware: UInt64 = 1 << 43
    /// Pages pinned and charged across the context.
    static let pinned: UInt64 = 1 << 44
    /// The fd-wide fields: compat IOAS, account mode, processes, memfds, dma-bufs, tombstones.
    static let context: UInt64 = 1 << 45

    static func footprint(of op: IOMMUFDOperation, in s: IOMMUFDState, _ machine: IOMMUFD) -> Footprint {
        switch op {
        case .ioasAlloc(let flags):
            // Unknown flags fail on the argument alone.
            guard flags == 0 else { return Footprint(reads: 0, writes: 0) }
            let created = allocator | object(s.nextObjectID)
            return Footprint(reads: created, writes: created)
        case .ioasMap(let a):
            return ioasFootprint(a.ioasID, s)
        case .ioasUnmap(let id, _, _):
            return ioasFootprint(id, s)
        case .bind(let d, _, _):
            let looked = machine.config.compatCheck == .join ? allBound : bound(d)
            guard d < s.boundIDs.count, s.boundIDs[d] == 0 else { return Footprint(reads: looked, writes: 0) }
            let created = allocator | object(s.nextObjectID) | bound(d)
            return Footprint(reads: looked | created, writes: created)
        case .close(let d):
            guard d < s.boundIDs.count, s.boundIDs[d] != 0 else { return Footprint(reads: bound(d), writes: 0) }
            // Attached somewhere, or with a vDEVICE to tombstone: the detach paths.
            if s.attachments.contains(where: { $0.devices & (1 << UInt64(d)) != 0 }) || s.vdevice(of: d) != nil {
                return graphFootprint(device: d, s, machine)
            }
            let id = s.boundIDs[d]
            return Footprint(reads: bound(d) | attachments | referrers | object(id) | allocator,
                             writes: bound(d) | object(id) | allocator)
        case .attach(let d, _, _, _):
            guard d < s.boundIDs.count, s.boundIDs[d] != 0 else { return Footprint(reads: bound(d), writes: 0) }
            return graphFootprint(device: d, s, machine)
        case .detach(let d, let flags, let pasid):
            guard d < s.boundIDs.count, s.boundIDs[d] != 0 else { return Footprint(reads: bound(d), writes: 0) }
            let usesPasid = flags & IOMMUFDConstants.VFIO_DEVICE_DETACH_PASID != 0
            let p = usesPasid ? pasid : 0
            let group = machine.topology.devices[d].group
            let holds = s.attachments.contains { Int($0.group) == group && $0.pasid == p && $0.devices & (1 << UInt64(d)) != 0 }
            // Detaching what is not attached (or not through this ioctl's path) is a no-op.
            return holds ? graphFootprint(device: d, s, machine) : Footprint(reads: bound(d) | attachments, writes: 0)
        case .hwptAlloc(let a):
            guard case .device? = s.object(a.devID)?.body else { return Footprint(reads: object(a.devID), writes: 0) }
            guard s.objectIndex(a.ptID) != nil else { return Footprint(reads: object(a.devID) | object(a.ptID), writes: 0) }
            return graphFootprint(device: nil, s, machine, also: object(a.devID))
        case .destroy(let id):
            guard let o = s.object(id) else { return Footprint(reads: object(id), writes: 0) }
            if case .device = o.body { return Footprint(reads: object(id), writes: 0) }
            if o.users > 0, machine.config.destroyCheck == .refcount { return Footprint(reads: object(id), writes: 0) }
            return graphFootprint(device: nil, s, machine)
        default:
            return .everything
        }
    }

    /// An operation that may create, free or re-point objects anywhere in the graph: it writes
    /// every object but the DEVICEs (which only their own device's operations change), the next
    /// id, the sets of ids and referrers, attachments, hardware, pins and the fd-wide fields, and
    /// `device`'s binding and DEVICE object; it reads all that and every object.
    static func graphFootprint(device: Int?, _ s: IOMMUFDState, _ machine: IOMMUFD, also: UInt64 = 0) -> Footprint {
        var written = object(s.nextObjectID) | allocator | referrers | attachments | hardware | pinned | context | also
        var all: UInt64 = 0
        for i in s.objects.indices {
            let bit = object(s.objects[i].id)
            all |= bit
            if case .device = s.objects[i].body { continue }
            written |= bit
        }
        if let d = device {
            written |= bound(d)
            if d < s.boundIDs.count { written |= object(s.boundIDs[d]) }
        }
        let others = machine.config.compatCheck == .attach ? 0 : allBound
        return Footprint(reads: written | all | others, writes: written)
    }

    /// MAP and UNMAP of `ioasID`: a lookup, then the IOAS's areas and reserved regions, the domains
    /// of its HWPTs, the attachments that reserve, the accesses, queues and nested tables that
    /// lock, and what is pinned across the context.
    static func ioasFootprint(_ ioasID: UInt32, _ s: IOMMUFDState) -> Footprint {
        guard s.hasIOAS(ioasID) else { return Footprint(reads: object(ioasID), writes: 0) }
        var objects = object(ioasID)
        for i in s.objects.indices {
            if case .device = s.objects[i].body { continue }
            objects |= object(s.objects[i].id)
        }
        let touched = objects | hardware | pinned | context
        return Footprint(reads: touched | referrers | attachments, writes: touched)
    }
}

extension IOMMUFDProposal {
    public func sleepKey(of op: IOMMUFDOperation) -> UInt64? { IOMMUFDSleepKey.key(of: op, in: space) }

    public func footprint(of op: IOMMUFDOperation, in state: IOMMUFDState) -> Footprint {
        IOMMUFDFootprint.footprint(of: op, in: state, machine)
    }
}
