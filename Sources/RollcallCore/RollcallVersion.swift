/// The version of every Rollcall executable and of the wire protocol implementation they share.
public enum RollcallVersion {
    /// Semantic version of this build, printed by `--version`.
    public static let current = "0.1.0"
}
