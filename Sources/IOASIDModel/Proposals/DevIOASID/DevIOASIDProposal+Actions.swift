/// What `check` tries from a state, by `ops` group: `bind` → JOIN_IOASID_FD, `ioas` →
/// IOASID_ALLOC, `destroy` → IOASID_FREE, `map` / `unmap` → IOASID_MAP_DMA / _UNMAP_DMA over the
/// pairs, `allow-iovas` → IOASID_SET_WINDOW (the window and its halves), `attach` →
/// ATTACH_IOASID, ATTACH_IOASID_PASID (each of `pasids`) and DETACH_IOASID, `nested` →
/// IOASID_CREATE_NESTING, `hwpt` → IOASID_ALLOC_PASID and IOASID_FREE_PASID, `translate` as for
/// every design.
extension DevIOASIDProposal {
    public func actions(of state: State, into out: inout [DevIOASIDOperation]) {
        let g = context.groupWords, space = context.space, bounds = space.bounds
        let ioasIDs = space.ids(state.kernel, ActionSpace.isIOAS)
        let fds = UInt32(1)...UInt32(topology.ioasidFds)
        if g.contains("bind") { for d in topology.devices.indices { for fd in fds { out.append(.joinIOASIDFd(device: d, fd: fd)) } } }
        if g.contains("ioas") { for fd in fds { out.append(.ioasidAlloc(fd: fd)) } }
        if g.contains("map") {
            for id in ioasIDs { for (iova, length) in space.pairs { for va in space.userVAs(for: iova) {
                out.append(.ioasidMapDMA(ioasid: id, iova: iova, size: length, vaddr: va))
            } } }
        }
        if g.contains("unmap") { for id in ioasIDs { for (iova, length) in space.pairs { out.append(.ioasidUnmapDMA(ioasid: id, iova: iova, size: length)) } } }
        if g.contains("allow-iovas") {
            for id in ioasIDs { for r in space.windowAndHalves { out.append(.ioasidSetWindow(ioasid: id, start: r.first, last: r.last)) } }
        }
        if g.contains("attach") {
            for d in topology.devices.indices {
                for id in ioasIDs {
                    out.append(.attachIOASID(device: d, ioasid: id, pasid: 0))
                    for p in bounds.pasids { out.append(.attachIOASID(device: d, ioasid: id, pasid: p)) }
                }
                out.append(.detachIOASID(device: d, pasid: 0))
                for p in bounds.pasids { out.append(.detachIOASID(device: d, pasid: p)) }
            }
        }
        if g.contains("nested") {
            for id in ioasIDs where !(state.own.ioasid(id)?.isNested ?? false) {
                out.append(.ioasidCreateNesting(parent: id, s1Root: space.probes.first ?? 0))
            }
        }
        if g.contains("hwpt") {
            for fd in fds { out.append(.ioasidAllocPasid(fd: fd, min: 1, max: bounds.pasids.max() ?? 1)) }
            // A held PASID carries its allocator's fd in the top bits under per-vm (0: system-wide).
            for held in state.own.pasids.map(HeldPasid.init(word:)) { out.append(.ioasidFreePasid(fd: max(1, UInt32(held.owner)), pasid: held.pasid)) }
        }
        if g.contains("destroy") {
            for id in ioasIDs where state.kernel.ioas(id) != nil { out.append(.ioasidFree(ioasid: id)) }
        }
        if g.contains("translate") { space.translateRequests(state.kernel.hardware) { out.append(.translate($0)) } }
    }
}
