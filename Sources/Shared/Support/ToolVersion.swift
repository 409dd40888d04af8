/// The toolkit's version, recorded in every cache and model file it writes.
public enum ToolVersion {
    public static let string = "0.1.0"
}
