/// A model the explorer can search: initial states, the actions enabled in a state, and the
/// successor an action leads to. The explorer knows nothing else about the domain.
public protocol StateMachine: Sendable {
    associatedtype State: Hashable & Sendable
    associatedtype Action: Hashable & Sendable

    /// The states a search starts from.
    var initialStates: [State] { get }
    /// Appends the actions enabled in `state` to `actions`.
    func actions(of state: State, into actions: inout [Action])
    /// The state `action` leads to from `state`, or nil when the action does not apply.
    func successor(of state: State, after action: Action) -> State?
}
