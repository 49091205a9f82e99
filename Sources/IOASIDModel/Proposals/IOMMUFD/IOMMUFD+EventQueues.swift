/// Fault queues and vIOMMU event queues (`domain/iommufd.md` §5.1 step 6, §7), as the reference
/// tree (jgunthorpe/linux 7815c190f793) has them: eventq.c (`iommufd_fault_alloc`,
/// `iommufd_fault_iopf_handler`, `iommufd_fault_fops_read` / `_write`,
/// `iommufd_auto_response_faults`, `iommufd_veventq_alloc`, the vEVENTQ read), driver.c
/// (`iommufd_viommu_report_event`), hw_pagetable.c (`fault_id`), and the selftest's
/// `IOMMU_TEST_OP_TRIGGER_IOPF` / `IOMMU_TEST_OP_TRIGGER_VEVENT` (selftest.c).
extension IOMMUFD {
    /// `IOMMU_FAULT_QUEUE_ALLOC`: a FAULT object and its fd, which holds a reference on it.
    func faultQueueAlloc(flags: UInt32, _ s: inout IOMMUFDState) throws(Errno) -> Outcome {
        guard flags == 0 else { throw .EOPNOTSUPP }
        let id = s.insertObject(.fault(FaultQueue()), users: 1)
        let fd = Self.eventFD(id)
        return Outcome(.ok, outputs: [OutputField("out_fault_id", .number(UInt64(id))), OutputField("out_fault_fd", .number(fd))],
                       principal: UInt64(id))
    }

    /// The fd number an event queue's fd gets: after the model's device fds (SPEC leaves numbers
    /// open; `Self.iommufdFD`).
    static func eventFD(_ id: UInt32) -> UInt64 { 64 + UInt64(id) }

    /// `IOMMU_VEVENTQ_ALLOC`.
    func veventqAlloc(viommuID: UInt32, type: UInt32, depth: UInt32, flags: UInt32, reserved: UInt32,
                      _ s: inout IOMMUFDState) throws(Errno) -> Outcome {
        guard flags == 0, reserved == 0, type != IOMMUFDConstants.IOMMU_VEVENTQ_TYPE_DEFAULT else { throw .EOPNOTSUPP }
        guard depth != 0 else { throw .EINVAL }
        guard s.viommu(viommuID) != nil else { throw .ENOENT }
        // One queue per type per vIOMMU (iommufd_viommu_find_veventq).
        guard veventq(of: viommuID, type: type, s) == nil else { throw .EEXIST }
        let id = s.insertObject(.veventq(VEventQueue(viommu: viommuID, type: type, depth: depth)), users: 1)
        s.addUsers(viommuID, 1)
        return Outcome(.ok, outputs: [OutputField("out_veventq_id", .number(UInt64(id))), OutputField("out_veventq_fd", .number(Self.eventFD(id)))],
                       principal: UInt64(id))
    }

    func veventq(of viommuID: UInt32, type: UInt32, _ s: IOMMUFDState) -> (id: UInt32, queue: VEventQueue)? {
        for o in s.objects { if case .veventq(let q) = o.body, q.viommu == viommuID, q.type == type { return (o.id, q) } }
        return nil
    }

    /// Closing an event queue's fd drops the reference it held (`iommufd_eventq_fops_release`).
    func closeEventFD(id: UInt32, _ s: inout IOMMUFDState) throws(Errno) -> Outcome {
        guard let i = s.objectIndex(id) else { throw .EBADF }
        switch s.objects[i].body {
        case .fault(var q) where q.fdOpen:
            q.fdOpen = false
            s.objects[i].body = .fault(q)
        case .veventq(var q) where q.fdOpen:
            q.fdOpen = false
            s.objects[i].body = .veventq(q)
        default:
            throw .EBADF
        }
        s.addUsers(id, -1)
        return .ok
    }

    /// `IOMMU_TEST_OP_TRIGGER_IOPF`: the mock device raises a page request at `pasid`
    /// (`iommu_report_device_fault`, which returns nothing): it reaches the fault queue of the HWPT
    /// attached there, if that HWPT has one; otherwise the core answers it itself.
    func triggerIOPF(devID: UInt32, pasid: UInt32, _ s: inout IOMMUFDState) throws(Errno) -> Outcome {
        guard case .device(let device)? = s.object(devID)?.body else { throw .ENOENT }
        let group = topology.devices[device].group
        guard let a = s.attachment(group: group, pasid: pasid), a.devices & bit(device) != 0,
              let faultID = faultOf(hwpt: a.hwpt, s), let i = s.objectIndex(faultID), case .fault(var q) = s.objects[i].body else { return .ok }
        q.queued.append(FaultRecord(deviceID: devID, pasid: pasid, hwpt: a.hwpt))
        s.objects[i].body = .fault(q)
        return .ok
    }

    /// The FAULT a HWPT reports to, or nil.
    func faultOf(hwpt: UInt32, _ s: IOMMUFDState) -> UInt32? {
        let f = s.paging(hwpt)?.fault ?? s.nested(hwpt)?.fault ?? 0
        return f == 0 ? nil : f
    }

    /// `read()` of `count` records on a fault fd: the queued requests, whole, as they fit; each gets
    /// a cookie (the lowest free from 1) and awaits its response. Outputs the records read and the
    /// cookie of the first.
    func readFaults(faultID: UInt32, count: UInt32, _ s: inout IOMMUFDState) throws(Errno) -> Outcome {
        guard let i = s.objectIndex(faultID), case .fault(var q) = s.objects[i].body, q.fdOpen else { throw .EBADF }
        var read: [FaultRecord] = []
        while read.count < Int(count), !q.queued.isEmpty {
            var r = q.queued.removeFirst()
            r.cookie = lowestFreeID(in: q.awaiting.map(\.cookie).sorted())
            q.awaiting.append(r)
            q.awaiting.sort { $0.cookie < $1.cookie }
            read.append(r)
        }
        s.objects[i].body = .fault(q)
        let first = read.first
        return Outcome(.ok, outputs: [OutputField("faults", .number(UInt64(read.count))), OutputField("cookie", .number(UInt64(first?.cookie ?? 0))),
                                      OutputField("dev_id", .number(UInt64(first?.deviceID ?? 0))), OutputField("pasid", .number(UInt64(first?.pasid ?? 0)))],
                       principal: UInt64(first?.cookie ?? 0))
    }

    /// `write()` of one `struct iommu_hwpt_page_response` on a fault fd: a known code (SUCCESS 0,
    /// INVALID 1), else EINVAL; a cookie that awaits nothing (answered, auto-answered, made up) is
    /// EINVAL.
    func respondFault(faultID: UInt32, cookie: UInt32, code: UInt32, _ s: inout IOMMUFDState) throws(Errno) -> Outcome {
        guard let i = s.objectIndex(faultID), case .fault(var q) = s.objects[i].body, q.fdOpen else { throw .EBADF }
        guard code <= 1 else { throw .EINVAL }
        guard let k = q.awaiting.firstIndex(where: { $0.cookie == cookie }) else { throw .EINVAL }
        q.awaiting.remove(at: k)
        s.objects[i].body = .fault(q)
        return .ok
    }

    /// `iommufd_auto_response_faults`: when a device leaves a fault-capable HWPT at a PASID (detach,
    /// replace), its queued and awaiting requests there are answered INVALID and dropped — else the
    /// device would wait forever. `iopf-detach = leave` (the hazard) skips it.
    func autoRespondFaults(device: Int, pasid: UInt32, hwpt: UInt32, _ s: inout IOMMUFDState) {
        guard config.iopfAutoResponse, let faultID = faultOf(hwpt: hwpt, s), let i = s.objectIndex(faultID),
              case .fault(var q) = s.objects[i].body else { return }
        let devID = s.boundIDs[device]
        let mine: (FaultRecord) -> Bool = { $0.deviceID == devID && $0.pasid == pasid && $0.hwpt == hwpt }
        q.queued.removeAll(where: mine)
        q.awaiting.removeAll(where: mine)
        s.objects[i].body = .fault(q)
    }

    /// `IOMMU_TEST_OP_TRIGGER_VEVENT`: the mock device attached (RID) to a vIOMMU's nested HWPT
    /// reports an event naming its virtual id (`iommufd_viommu_report_event`): ENOENT without that
    /// attachment or a vDEVICE, EOPNOTSUPP without a vEVENTQ of the selftest's type.
    func triggerVEvent(devID: UInt32, _ s: inout IOMMUFDState) throws(Errno) -> Outcome {
        guard case .device(let device)? = s.object(devID)?.body else { throw .ENOENT }
        let group = topology.devices[device].group
        guard let a = s.attachment(group: group, pasid: 0), let n = s.nested(a.hwpt), n.viommu != 0,
              let vdev = s.vdevice(of: device), vdev.vdev.viommu == n.viommu else { throw .ENOENT }
        guard let (id, _) = veventq(of: n.viommu, type: IOMMUFDConstants.IOMMU_VEVENTQ_TYPE_SELFTEST, s),
              let i = s.objectIndex(id), case .veventq(var q) = s.objects[i].body else { throw .EOPNOTSUPP }
        if q.events.count == Int(q.depth) {
            // Full: the lost-events header moves to the tail with the next sequence number.
            q.lostSequence = q.sequence
        } else {
            q.lostSequence = nil
            q.events.append(VEvent(sequence: q.sequence, virtID: vdev.vdev.virtID))
        }
        q.sequence = (q.sequence + 1) & UInt32(Int32.max)
        s.objects[i].body = .veventq(q)
        return .ok
    }

    /// `read()` of up to `count` events on a vEVENTQ fd: the queued events, oldest first, then the
    /// lost-events header if it is there. Outputs the events read, whether the header was, and the
    /// first event's sequence number and virtual id.
    func readVEvents(veventqID: UInt32, count: UInt32, _ s: inout IOMMUFDState) throws(Errno) -> Outcome {
        guard let i = s.objectIndex(veventqID), case .veventq(var q) = s.objects[i].body, q.fdOpen else { throw .EBADF }
        let taken = Array(q.events.prefix(Int(count)))
        q.events.removeFirst(taken.count)
        var lost = false
        if q.events.isEmpty, taken.count < Int(count), q.lostSequence != nil {
            lost = true
            q.lostSequence = nil
        }
        s.objects[i].body = .veventq(q)
        return Outcome(.ok, outputs: [OutputField("events", .number(UInt64(taken.count))), OutputField("lost", .number(lost ? 1 : 0)),
                                      OutputField("sequence", .number(UInt64(taken.first?.sequence ?? 0))),
                                      OutputField("virt_id", .number(taken.first?.virtID ?? 0))],
                       principal: UInt64(taken.count))
    }
}
