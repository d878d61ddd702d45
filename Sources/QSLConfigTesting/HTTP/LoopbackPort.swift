/// Loopback ports for tests.
public enum LoopbackPort {
    /// A port on 127.0.0.1 that nothing listens on (it was free a moment ago), for the
    /// "AWS is unreachable" paths.
    public static func unused() throws -> Int {
        try HTTPWire.freePort()
    }
}
