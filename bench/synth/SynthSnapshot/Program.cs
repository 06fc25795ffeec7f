using System.Buffers.Text;
using System.Diagnostics;
using System.Text;

// Usage: SynthSnapshot OUT.heapsnapshot MILLION_NODES [SEED]
// Streams a V8 .heapsnapshot (Node 20's format: 7 node fields, 3 edge fields, locations, strings last) of about
// MILLION_NODES million nodes straight to disk, never holding the graph: every node, edge and string is a pure
// function of its "unit" (one user of a web service) and the unit's seed, so the nodes, edges, locations and
// strings sections are each written by regenerating the units in order. Only the first ordinal of each unit is kept
// (4 bytes per unit, ~14 nodes), so cross references can point at any unit, earlier or later.
//
// Shape: a global object holding a service with a users Map (key: the e-mail string, value: the User), a profile
// cache Map (every 5th profile), a product catalog, and a request log Array that grows without bound (every 10th
// unit adds a LeakedRequest holding its user and a 200-byte payload: the leak). Each User has an e-mail and a display
// name (unique strings), a sessions Array (1–3 Sessions with 64-character tokens), an orders Array (8–16 element
// edges to shared Products), a profile Object, an onUpdate closure with its context, a friend (an earlier user, a
// cross edge that makes dominators non-trivial) and sometimes a weak reference to a later one. Unique strings are
// about a third of the file, so a 4 GB file has more than 512 MB of strings (more than one JS string can hold).
var argv = Environment.GetCommandLineArgs()[1..];
if (argv.Length < 2 || !double.TryParse(argv[1], System.Globalization.CultureInfo.InvariantCulture, out double millions) || millions <= 0)
{
    Console.Error.WriteLine("usage: SynthSnapshot OUT.heapsnapshot MILLION_NODES [SEED]");
    return 2;
}
string outPath = argv[0];
ulong seed = argv.Length > 2 ? ulong.Parse(argv[2], System.Globalization.CultureInfo.InvariantCulture) : 1;
if (File.Exists(outPath))
{
    Console.Error.WriteLine($"{outPath} already exists; choose a new file name");
    return 2;
}
var clock = Stopwatch.StartNew();
var model = new Model(seed, (long)(millions * 1e6));
string tmp = outPath + ".tmp";
try
{
    using var file = new FileStream(tmp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.None);
    var w = new Writer(file);
    model.Write(w);
    w.Flush();
}
catch
{
    File.Delete(tmp);
    throw;
}
File.Move(tmp, outPath);
Console.Error.WriteLine($"{outPath}: {new FileInfo(outPath).Length / 1e9:F2} GB, {model.NodeCount:N0} nodes, {model.EdgeCount:N0} edges, " +
    $"{model.StringCount:N0} strings ({model.StringBytes / 1e6:F0} MB) in {clock.Elapsed.TotalSeconds:F1} s");
return 0;

/// <summary>Appends UTF-8 to a large buffer and writes it out when full.</summary>
sealed class Writer(Stream output)
{
    private readonly byte[] _buffer = new byte[8 << 20];
    private int _used;

    public void Raw(ReadOnlySpan<byte> bytes)
    {
        if (_used + bytes.Length > _buffer.Length) Flush();
        if (bytes.Length > _buffer.Length) { output.Write(bytes); return; }
        bytes.CopyTo(_buffer.AsSpan(_used));
        _used += bytes.Length;
    }

    public void Raw(string ascii)
    {
        int max = Encoding.UTF8.GetMaxByteCount(ascii.Length);
        if (_used + max > _buffer.Length) Flush();
        _used += Encoding.UTF8.GetBytes(ascii, _buffer.AsSpan(_used));
    }

    public void Number(long value)
    {
        if (_used + 24 > _buffer.Length) Flush();
        Utf8Formatter.TryFormat(value, _buffer.AsSpan(_used), out int written);
        _used += written;
    }

    public void Byte(byte b)
    {
        if (_used == _buffer.Length) Flush();
        _buffer[_used++] = b;
    }

    /// <summary>A JSON string literal (ASCII content without quotes or backslashes is copied as is).</summary>
    public void JsonString(string value)
    {
        Byte((byte)'"');
        var sb = new StringBuilder(value.Length + 8);
        foreach (char c in value)
        {
            if (c == '"' || c == '\\') sb.Append('\\').Append(c);
            else if (c == '\n') sb.Append("\\n");
            else if (c < 0x20 || char.IsSurrogate(c)) sb.Append($"\\u{(int)c:x4}");
            else sb.Append(c);
        }
        Raw(sb.ToString());
        Byte((byte)'"');
    }

    public void Flush()
    {
        output.Write(_buffer, 0, _used);
        _used = 0;
    }
}

/// <summary>The snapshot as functions of the unit index: what <see cref="Write"/> emits section by section.</summary>
sealed class Model
{
    // Node 20's meta.node_types[0] and edge_types[0], by index.
    const int Hidden = 0, ArrayT = 1, StringT = 2, ObjectT = 3, Code = 4, Closure = 5, NumberT = 7, Synthetic = 9;
    const int Context = 0, Element = 1, Property = 2, Internal = 3, HiddenE = 4, Shortcut = 5, Weak = 6;
    const int NodeFields = 7;
    const int Products = 1000;

    // Fixed strings: names of classes and properties, plus a few that need escaping.
    static readonly string[] Fixed =
    [
        "<dummy>", "", "(GC roots)", "(Global handles)", "global", "Service", "Map", "(object elements)", "Array",
        "User", "Session", "Object", "Product", "LeakedRequest", "onUpdate", "system / Context", "system / Map",
        "(shared function info)", "heap number", "app", "users", "cache", "catalog", "requestLog", "table", "elements",
        "email", "displayName", "sessions", "orders", "profile", "map", "friend", "token", "user", "payload", "context",
        "shared", "theme", "locale", "dark", "light", "en-US", "de-DE", "fr-FR", "ja-JP", "createdAt", "watching",
        "title", "price", "__proto__", "quote \" and \\ backslash", "line\nbreak", "caf\u00e9 \u2603 \ud83d\ude00", "lone \ud800 surrogate",
    ];
    static int S(string s) => Array.IndexOf(Fixed, s) is var i and >= 0 ? i : throw new InvalidOperationException(s);

    // Global nodes, by ordinal.
    const int NRoot = 0, NGcRoots = 1, NHandles = 2, NGlobal = 3, NService = 4, NUsers = 5, NUsersTable = 6, NCache = 7,
        NCacheTable = 8, NSfi = 9, NLog = 10, NLogElements = 11, NUserMap = 12, NDark = 13, NLight = 14, NLocale0 = 15,
        NCatalog = 19, NCatalogElements = 20, NFirstProduct = 21;
    const int GlobalNodes = NFirstProduct + 2 * Products; // each product: object + title string

    private readonly ulong _seed;
    private readonly int _units;
    private readonly int[] _unitBase;
    private readonly int[] _unitString; // first unique string of each unit
    public long NodeCount { get; }
    public long EdgeCount { get; private set; }
    public long StringCount { get; }
    public long StringBytes { get; private set; }

    public Model(ulong seed, long nodes)
    {
        _seed = seed;
        // ~14.2 nodes per unit on average.
        _units = (int)Math.Max(1, (nodes - GlobalNodes) / 14.2);
        _unitBase = new int[_units + 1];
        _unitString = new int[_units + 1];
        long next = GlobalNodes, str = Fixed.Length + Products;
        for (int u = 0; u < _units; u++)
        {
            _unitBase[u] = checked((int)next);
            _unitString[u] = checked((int)str);
            var shape = Shape(u);
            next += shape.Nodes;
            str += shape.Strings;
        }
        _unitBase[_units] = checked((int)next);
        _unitString[_units] = checked((int)str);
        NodeCount = next;
        StringCount = str;
    }

    private ulong Rand(int u, int k)
    {
        ulong x = _seed * 0x9E3779B97F4A7C15UL ^ ((ulong)u << 8 | (uint)k);
        x ^= x >> 33; x *= 0xff51afd7ed558ccdUL; x ^= x >> 33; x *= 0xc4ceb93fe33d78d3UL; x ^= x >> 33;
        return x;
    }

    private readonly record struct UnitShape(int Sessions, int Orders, bool Leak, int Nodes, int Strings);

    private UnitShape Shape(int u)
    {
        int sessions = 1 + (int)(Rand(u, 1) % 3);
        int orders = 8 + (int)(Rand(u, 2) % 9);
        bool leak = u % 10 == 0;
        // User, email, name, sessions Array + elements, orders Array + elements, profile, closure, context, createdAt,
        // 2 per session, 2 per leak.
        int nodes = 11 + 2 * sessions + (leak ? 2 : 0);
        int strings = 2 + sessions + (leak ? 1 : 0);
        return new(sessions, orders, leak, nodes, strings);
    }

    // Local ordinals inside a unit.
    const int LUser = 0, LEmail = 1, LName = 2, LSessArr = 3, LSessEl = 4, LOrdArr = 5, LOrdEl = 6, LProfile = 7,
        LClosure = 8, LContext = 9, LCreated = 10, LFirstSession = 11;

    /// <summary>One node and its edges, as the writer sees it.</summary>
    private interface ISink
    {
        void Node(int type, int name, long id, int selfSize, int edgeCount);
        void Edge(int type, int nameOrIndex, int target);
    }

    private int UserOf(int u) => _unitBase[u] + LUser;

    private void Globals<T>(ref T sink) where T : ISink
    {
        int leaks = (_units + 9) / 10;
        sink.Node(Synthetic, S(""), 1, 0, 2);
        sink.Edge(Element, 1, NGcRoots); sink.Edge(Shortcut, S("global"), NGlobal);
        sink.Node(Synthetic, S("(GC roots)"), 3, 0, 1);
        sink.Edge(Element, 1, NHandles);
        sink.Node(Synthetic, S("(Global handles)"), 5, 0, 1);
        sink.Edge(Element, 1, NGlobal);
        sink.Node(ObjectT, S("global"), 7, 48, 3);
        sink.Edge(Property, S("app"), NService); sink.Edge(Property, S("requestLog"), NLog); sink.Edge(HiddenE, S("map"), NUserMap);
        sink.Node(ObjectT, S("Service"), 9, 40, 3);
        sink.Edge(Property, S("users"), NUsers); sink.Edge(Property, S("cache"), NCache); sink.Edge(Property, S("catalog"), NCatalog);
        sink.Node(ObjectT, S("Map"), 11, 32, 1);
        sink.Edge(Internal, S("table"), NUsersTable);
        sink.Node(ArrayT, S("(object elements)"), 13, 16 + 16 * _units, 2 * _units);
        for (int u = 0; u < _units; u++) { sink.Edge(Element, 2 * u, _unitBase[u] + LEmail); sink.Edge(Element, 2 * u + 1, UserOf(u)); }
        sink.Node(ObjectT, S("Map"), 15, 32, 1);
        sink.Edge(Internal, S("table"), NCacheTable);
        int cached = (_units + 4) / 5;
        sink.Node(ArrayT, S("(object elements)"), 17, 16 + 8 * cached, cached);
        for (int u = 0; u < _units; u += 5) sink.Edge(Element, u / 5, _unitBase[u] + LProfile);
        sink.Node(Code, S("(shared function info)"), 19, 56, 0);
        sink.Node(ObjectT, S("Array"), 21, 32, 1);
        sink.Edge(Internal, S("elements"), NLogElements);
        sink.Node(ArrayT, S("(object elements)"), 23, 16 + 8 * leaks, leaks);
        for (int u = 0; u < _units; u += 10) sink.Edge(Element, u / 10, _unitBase[u + 1] - 2);
        sink.Node(Hidden, S("system / Map"), 25, 80, 0);
        sink.Node(StringT, S("dark"), 27, 16, 0);
        sink.Node(StringT, S("light"), 29, 16, 0);
        for (int i = 0; i < 4; i++) sink.Node(StringT, S("en-US") + i, 31 + 2 * i, 20, 0);
        sink.Node(ObjectT, S("Array"), 39, 32, 1);
        sink.Edge(Internal, S("elements"), NCatalogElements);
        sink.Node(ArrayT, S("(object elements)"), 41, 16 + 8 * Products, Products);
        for (int p = 0; p < Products; p++) sink.Edge(Element, p, NFirstProduct + 2 * p);
        for (int p = 0; p < Products; p++)
        {
            sink.Node(ObjectT, S("Product"), 43 + 4 * p, 40, 3);
            sink.Edge(Property, S("title"), NFirstProduct + 2 * p + 1); sink.Edge(HiddenE, S("map"), NUserMap);
            // A few fixed strings that need escaping hang off the first products.
            sink.Edge(Property, S("price"), p < 4 ? NDark : NLight);
            sink.Node(StringT, Fixed.Length + p, 45 + 4 * p, 32, 0);
        }
    }

    private void Unit<T>(ref T sink, int u) where T : ISink
    {
        var shape = Shape(u);
        int b = _unitBase[u];
        long id = 2L * b + 1; // V8's object ids are odd
        int str = _unitString[u];
        bool weak = u + 1 < _units && Rand(u, 3) % 4 == 0;
        int edges = 9 + (u > 0 ? 1 : 0) + (weak ? 1 : 0);
        int weakTarget = u + 1 + (int)(Rand(u, 4) % (ulong)Math.Max(1, Math.Min(1000, _units - u - 1)));
        sink.Node(ObjectT, S("User"), id, 56, edges);
        sink.Edge(Property, S("email"), b + LEmail); sink.Edge(Property, S("displayName"), b + LName);
        sink.Edge(Property, S("sessions"), b + LSessArr); sink.Edge(Property, S("orders"), b + LOrdArr);
        sink.Edge(Property, S("profile"), b + LProfile); sink.Edge(Property, S("onUpdate"), b + LClosure);
        sink.Edge(Property, S("createdAt"), b + LCreated); sink.Edge(HiddenE, S("map"), NUserMap);
        sink.Edge(Property, S("__proto__"), NService);
        if (u > 0) sink.Edge(Property, S("friend"), UserOf((int)(Rand(u, 5) % (ulong)u)));
        if (weak) sink.Edge(Weak, S("watching"), UserOf(weakTarget));
        sink.Node(StringT, str, id + 2, 32 + EmailLength(u), 0);
        sink.Node(StringT, str + 1, id + 4, 256, 0);
        sink.Node(ObjectT, S("Array"), id + 6, 32, 2);
        sink.Edge(Internal, S("elements"), b + LSessEl); sink.Edge(HiddenE, S("map"), NUserMap);
        sink.Node(ArrayT, S("(object elements)"), id + 8, 16 + 8 * shape.Sessions, shape.Sessions);
        for (int s = 0; s < shape.Sessions; s++) sink.Edge(Element, s, b + LFirstSession + 2 * s);
        sink.Node(ObjectT, S("Array"), id + 10, 32, 2);
        sink.Edge(Internal, S("elements"), b + LOrdEl); sink.Edge(HiddenE, S("map"), NUserMap);
        sink.Node(ArrayT, S("(object elements)"), id + 12, 16 + 8 * shape.Orders, shape.Orders);
        for (int o = 0; o < shape.Orders; o++) sink.Edge(Element, o, NFirstProduct + 2 * (int)(Rand(u, 10 + o) % Products));
        sink.Node(ObjectT, S("Object"), id + 14, 32, 4);
        sink.Edge(Property, S("theme"), u % 2 == 0 ? NDark : NLight); sink.Edge(Property, S("locale"), NLocale0 + u % 4);
        sink.Edge(HiddenE, S("map"), NUserMap); sink.Edge(Property, S("user"), b + LUser);
        sink.Node(Closure, S("onUpdate"), id + 16, 32, 3);
        sink.Edge(Internal, S("context"), b + LContext); sink.Edge(Internal, S("shared"), NSfi); sink.Edge(HiddenE, S("map"), NUserMap);
        sink.Node(Hidden, S("system / Context"), id + 18, 40, 4);
        sink.Edge(Context, S("user"), b + LUser); sink.Edge(Context, S("cache"), NCache);
        sink.Edge(Context, S("sessions"), b + LSessArr); sink.Edge(Context, S("orders"), b + LOrdArr);
        sink.Node(NumberT, S("heap number"), id + 20, 16, 0);
        for (int s = 0; s < shape.Sessions; s++)
        {
            sink.Node(ObjectT, S("Session"), id + 22 + 4 * s, 40, 5);
            sink.Edge(Property, S("token"), b + LFirstSession + 2 * s + 1); sink.Edge(Property, S("user"), b + LUser);
            sink.Edge(HiddenE, S("map"), NUserMap); sink.Edge(Property, S("createdAt"), b + LCreated);
            sink.Edge(Property, S("profile"), b + LProfile);
            sink.Node(StringT, str + 2 + s, id + 24 + 4 * s, 32 + 64, 0);
        }
        if (shape.Leak)
        {
            int l = b + LFirstSession + 2 * shape.Sessions;
            sink.Node(ObjectT, S("LeakedRequest"), id + 22 + 4 * shape.Sessions, 48, 3);
            sink.Edge(Property, S("payload"), l + 1); sink.Edge(Property, S("user"), b + LUser); sink.Edge(HiddenE, S("map"), NUserMap);
            sink.Node(StringT, str + 2 + shape.Sessions, id + 24 + 4 * shape.Sessions, 32 + 200, 0);
        }
    }

    // Display names carry a short biography (~240 bytes), so a file has about as many nodes per byte as a Node heap
    // of a service (≈ 100 bytes per node: 40 M nodes in 4 GB).
    private static readonly string[] Bio =
    [
        "Joined through the spring campaign; prefers e-mail over phone, ships to the office address, pays by card and has asked twice about bulk discounts for the team. Notes from support: friendly, quick to answer, wants invoices in PDF.",
        "Long-time customer from the beta; reports bugs with screenshots and steps, writes reviews for most orders, subscribed to the newsletter and the product-update feed. Support notes: timezone UTC+9, answers in the morning.",
        "Enterprise account, three seats, renewal every January; billing contact differs from the user, purchase orders required above 5,000 EUR, all prices quoted without VAT. Support notes: escalate outages to the account manager.",
    ];

    private static int EmailLength(int u) => 16 + (int)Math.Log10(u + 1);

    private IEnumerable<string> UnitStrings(int u)
    {
        var shape = Shape(u);
        yield return $"user{u}@example.com";
        yield return $"User Number {u} ({(u % 3 == 0 ? "premium" : "basic")}): {Bio[u % Bio.Length]}";
        for (int s = 0; s < shape.Sessions; s++) yield return $"{Rand(u, 20 + s):x16}{Rand(u, 30 + s):x16}{Rand(u, 40 + s):x16}{Rand(u, 50 + s):x16}";
        if (shape.Leak) yield return $"GET /api/orders/{u}?expand=items,customer,shipping HTTP/1.1 " + new string('x', 150);
    }

    private struct NodeWriter(Writer w) : ISink
    {
        public bool First = true;
        public long Edges;
        public void Node(int type, int name, long id, int selfSize, int edgeCount)
        {
            if (!First) w.Raw("\n,"u8);
            First = false;
            w.Number(type); w.Byte((byte)','); w.Number(name); w.Byte((byte)','); w.Number(id); w.Byte((byte)',');
            w.Number(selfSize); w.Byte((byte)','); w.Number(edgeCount); w.Raw(",0,0"u8);
            Edges += edgeCount;
        }
        public void Edge(int type, int nameOrIndex, int target) { }
    }

    private struct EdgeWriter(Writer w) : ISink
    {
        public bool First = true;
        public long Edges;
        public void Node(int type, int name, long id, int selfSize, int edgeCount) { }
        public void Edge(int type, int nameOrIndex, int target)
        {
            if (!First) w.Raw("\n,"u8);
            First = false;
            w.Number(type); w.Byte((byte)','); w.Number(nameOrIndex); w.Byte((byte)','); w.Number((long)target * NodeFields);
            Edges++;
        }
    }

    public void Write(Writer w)
    {
        // The edge count is needed in the header: count with a writer-less pass over the node records.
        var counter = new NodeWriter(new Writer(Stream.Null));
        Globals(ref counter);
        for (int u = 0; u < _units; u++) Unit(ref counter, u);
        EdgeCount = counter.Edges;

        w.Raw("{\"snapshot\":{\"meta\":{\"node_fields\":[\"type\",\"name\",\"id\",\"self_size\",\"edge_count\",\"trace_node_id\",\"detachedness\"]," +
            "\"node_types\":[[\"hidden\",\"array\",\"string\",\"object\",\"code\",\"closure\",\"regexp\",\"number\",\"native\",\"synthetic\"," +
            "\"concatenated string\",\"sliced string\",\"symbol\",\"bigint\",\"object shape\",\"wasm object\"],\"string\",\"number\",\"number\",\"number\",\"number\",\"number\"]," +
            "\"edge_fields\":[\"type\",\"name_or_index\",\"to_node\"],\"edge_types\":[[\"context\",\"element\",\"property\",\"internal\",\"hidden\",\"shortcut\",\"weak\"],\"string_or_number\",\"node\"]," +
            "\"trace_function_info_fields\":[\"function_id\",\"name\",\"script_name\",\"script_id\",\"line\",\"column\"]," +
            "\"trace_node_fields\":[\"id\",\"function_info_index\",\"count\",\"size\",\"children\"],\"sample_fields\":[\"timestamp_us\",\"last_assigned_id\"]," +
            "\"location_fields\":[\"object_index\",\"script_id\",\"line\",\"column\"]},");
        w.Raw($"\"node_count\":{NodeCount},\"edge_count\":{EdgeCount},\"trace_function_count\":0}},\n\"nodes\":[");
        var nodes = new NodeWriter(w);
        Globals(ref nodes);
        for (int u = 0; u < _units; u++) Unit(ref nodes, u);
        w.Raw("],\n\"edges\":[");
        var edges = new EdgeWriter(w);
        Globals(ref edges);
        for (int u = 0; u < _units; u++) Unit(ref edges, u);
        if (edges.Edges != EdgeCount) throw new InvalidOperationException("edge count changed between passes");
        w.Raw("],\n\"trace_function_infos\":[],\n\"trace_tree\":[],\n\"samples\":[],\n\"locations\":[");
        for (int u = 0; u < _units; u++)
        {
            if (u > 0) w.Raw("\n,"u8);
            w.Number((long)(_unitBase[u] + LClosure) * NodeFields); w.Raw(",42,"u8); w.Number(100 + u % 500); w.Raw(",17"u8);
        }
        w.Raw("],\n\"strings\":[");
        long bytes = 0;
        for (int i = 0; i < Fixed.Length; i++)
        {
            if (i > 0) w.Raw(",\n"u8);
            w.JsonString(Fixed[i]);
        }
        for (int p = 0; p < Products; p++)
        {
            w.Raw(",\n"u8);
            w.JsonString($"Product {p} {(p % 4 == 0 ? "basic" : "premium")}");
        }
        for (int u = 0; u < _units; u++)
            foreach (var s in UnitStrings(u))
            {
                w.Raw(",\n\""u8);
                w.Raw(s);
                w.Byte((byte)'"');
                bytes += s.Length + 4;
            }
        StringBytes = bytes;
        w.Raw("]}");
    }
}
