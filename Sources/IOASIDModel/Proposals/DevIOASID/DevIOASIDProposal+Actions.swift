import Explorer

/// What `check` tries from a state, by `ops` group: `bind` → JOIN_IOASID_FD, `ioas` →
/// IOASID_ALLOC, `destroy` → IOASID_FREE, `map` / `unmap` → IOASID_MAP_DMA / _UNMAP_DMA over the
/// pairs, `allow-iovas` → IOASID_SET_WINDOW (the window and its halves), `attach` →
/// ATTACH_IOASID, ATTACH_IOASID_PASID (each of `pasids`) and DETACH_IOASID, `nested` →
/// IOASID_CREATE_NESTING, `hwpt` → IOASID_ALLOC_PASID and IOASID_FREE_PASID, `translate` as for
/// every design.
extension DevIOASIDProposal {
    public static func actionBound(_ s: ActionSpace) -> Double? {
        let i = s.ioasIDBound, d = s.deviceCount, fds = Double(s.topology.ioasidFds), q = s.pasidCount
        return s.term("bind", d * fds) + s.term("ioas", fds) + s.term("map", i * s.pairCount * s.vaCountD) + s.term("unmap", i * s.pairCount)
            + s.term("allow-iovas", i * 3) + s.term("attach", d * (i + 1) * (q + 1)) + s.term("nested", i)
            + s.term("hwpt", fds + fds * q) + s.term("destroy", i) + s.term("translate", s.translateBound)
    }

    public func actions(of state: State, into out: inout ActionFamilies<DevIOASIDOperation>) {
        let g = context.groupWords, space = context.space, bounds = space.bounds
        let ioasIDs = space.ids(state.kernel, ActionSpace.isIOAS)
        let fds = UInt32(1)...UInt32(topology.ioasidFds)
        if g.contains("bind") { for d in topology.devices.indices { for fd in fds { out.append(.joinIOASIDFd(device: d, fd: fd)) } } }
        if g.contains("ioas") { for fd in fds { out.append(.ioasidAlloc(fd: fd)) } }
        let pairs = space.pairs
        if g.contains("map") {
            out.append(ioasIDs.count * pairs.count, by: space.vaCount) { idPair, va in
                let (iova, length) = pairs[idPair % pairs.count]
                return .ioasidMapDMA(ioasid: ioasIDs[idPair / pairs.count], iova: iova, size: length, vaddr: space.userVA(for: iova, va))
            }
        }
        if g.contains("unmap") {
            out.append(ioasIDs.count, by: pairs.count) { i, k in .ioasidUnmapDMA(ioasid: ioasIDs[i], iova: pairs[k].iova, size: pairs[k].length) }
        }
        if g.contains("allow-iovas") {
            for id in ioasIDs { for r in space.windowAndHalves { out.append(.ioasidSetWindow(ioasid: id, start: r.first, last: r.last)) } }
        }
        if g.contains("attach") {
            // Per device: each IOASID at the RID and each PASID, then detach at the RID and each PASID.
            let pasids = bounds.pasids, width = pasids.count + 1
            out.append(topology.devices.count, by: (ioasIDs.count + 1) * width) { d, k in
                let (target, p) = (k / width, k % width)
                let pasid = p == 0 ? 0 : pasids[p - 1]
                return target < ioasIDs.count ? .attachIOASID(device: d, ioasid: ioasIDs[target], pasid: pasid) : .detachIOASID(device: d, pasid: pasid)
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
            for id in ioasIDs where state.kernel.hasIOAS(id) { out.append(.ioasidFree(ioasid: id)) }
        }
        if g.contains("translate") { space.translateFamilies(state.kernel.hardware, into: &out) { .translate($0) } }
    }
}
