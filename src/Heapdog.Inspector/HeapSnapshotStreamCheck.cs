using System.Buffers;
using System.Text.Json;

namespace Heapdog.Inspector;

/// <summary>
/// A streaming well-formedness check of a <c>.heapsnapshot</c>, fed the bytes as they are written: the whole text must
/// be one JSON object, and the header's <c>node_count</c>/<c>edge_count</c> must match the lengths of <c>nodes</c> and
/// <c>edges</c> (field counts taken from <c>meta</c>). Memory stays at the size of the largest token, whatever the file.
/// A truncated stream (a process killed mid-snapshot) fails <see cref="Complete"/>.
/// </summary>
public sealed class HeapSnapshotStreamCheck : IDisposable
{
    private enum Section : byte { None, Snapshot, Nodes, Edges, Strings, Other }
    private enum HeaderField : byte { None, Meta, NodeCount, EdgeCount, Other }
    private enum MetaField : byte { None, NodeFields, EdgeFields, Other }

    private JsonReaderState _state = new(new JsonReaderOptions { MaxDepth = 64 });
    private byte[] _pending = ArrayPool<byte>.Shared.Rent(64 * 1024);
    private int _pendingLength;
    private long _offset;
    private bool _rootClosed;
    private Section _section;
    private HeaderField _header;
    private MetaField _meta;
    private string? _error;

    public long NodeCount { get; private set; } = -1;
    public long EdgeCount { get; private set; } = -1;
    public int NodeFieldCount { get; private set; }
    public int EdgeFieldCount { get; private set; }
    public long NodeValues { get; private set; }
    public long EdgeValues { get; private set; }
    public long StringCount { get; private set; }
    /// <summary>Bytes seen so far.</summary>
    public long Length { get; private set; }

    /// <summary>Feeds the next bytes. Returns false (and sets the error) as soon as the text cannot be a snapshot.</summary>
    public bool Append(ReadOnlySpan<byte> data)
    {
        if (_error is not null) return false;
        Length += data.Length;
        while (!data.IsEmpty)
        {
            int room = _pending.Length - _pendingLength;
            if (room == 0)
            {
                // A single token longer than the buffer (a long string): grow, it is rare and bounded by the token.
                byte[] larger = ArrayPool<byte>.Shared.Rent(_pending.Length * 2);
                _pending.AsSpan(0, _pendingLength).CopyTo(larger);
                ArrayPool<byte>.Shared.Return(_pending);
                _pending = larger;
                room = _pending.Length - _pendingLength;
            }
            int take = Math.Min(room, data.Length);
            data[..take].CopyTo(_pending.AsSpan(_pendingLength));
            _pendingLength += take;
            data = data[take..];
            if (!Scan(isFinalBlock: false)) return false;
        }
        return true;
    }

    /// <summary>Ends the stream; returns null when the snapshot is complete and consistent, else what is wrong.</summary>
    public string? Complete()
    {
        if (_error is null) Scan(isFinalBlock: true);
        if (_error is not null) return _error;
        if (!_rootClosed) return $"the snapshot ends early, at byte {Length:N0}{Where()}";
        if (NodeCount < 0 || EdgeCount < 0 || NodeFieldCount == 0 || EdgeFieldCount == 0)
            return "the snapshot header lacks node_count, edge_count or meta field lists";
        if (NodeValues != NodeCount * NodeFieldCount)
            return $"'nodes' holds {NodeValues:N0} values, but the header announces {NodeCount:N0} nodes of {NodeFieldCount} fields";
        if (EdgeValues != EdgeCount * EdgeFieldCount)
            return $"'edges' holds {EdgeValues:N0} values, but the header announces {EdgeCount:N0} edges of {EdgeFieldCount} fields";
        return null;
    }

    /// <summary>Checks a whole file; null when it is a complete, consistent snapshot.</summary>
    public static async Task<string?> CheckFileAsync(string path, CancellationToken cancellationToken = default)
    {
        using var check = new HeapSnapshotStreamCheck();
        await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
        byte[] buffer = ArrayPool<byte>.Shared.Rent(256 * 1024);
        try
        {
            int n;
            while ((n = await file.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
                if (!check.Append(buffer.AsSpan(0, n))) break;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        return check.Complete();
    }

    private bool Scan(bool isFinalBlock)
    {
        var reader = new Utf8JsonReader(_pending.AsSpan(0, _pendingLength), isFinalBlock, _state);
        try
        {
            while (reader.Read())
            {
                if (_rootClosed)
                {
                    _error = $"unexpected data after the end of the snapshot at byte {_offset + reader.TokenStartIndex:N0}";
                    return false;
                }
                Visit(ref reader);
            }
        }
        catch (JsonException ex)
        {
            _error = $"the snapshot is not valid JSON at byte {_offset + reader.BytesConsumed:N0}{Where()}: {FirstLine(ex.Message)}";
            return false;
        }
        catch (FormatException)
        {
            _error = $"a count in the snapshot header is not a number (byte {_offset + reader.TokenStartIndex:N0})";
            return false;
        }
        int consumed = (int)reader.BytesConsumed;
        _state = reader.CurrentState;
        _offset += consumed;
        _pending.AsSpan(consumed, _pendingLength - consumed).CopyTo(_pending);
        _pendingLength -= consumed;
        return true;
    }

    private void Visit(ref Utf8JsonReader reader)
    {
        int depth = reader.CurrentDepth;
        switch (reader.TokenType)
        {
            case JsonTokenType.Number:
                if (depth == 2)
                {
                    if (_section == Section.Nodes) NodeValues++;
                    else if (_section == Section.Edges) EdgeValues++;
                    else if (_section == Section.Snapshot && _header == HeaderField.NodeCount) NodeCount = ReadCount(ref reader);
                    else if (_section == Section.Snapshot && _header == HeaderField.EdgeCount) EdgeCount = ReadCount(ref reader);
                }
                break;
            case JsonTokenType.String:
                if (depth == 2 && _section == Section.Strings) StringCount++;
                else if (depth == 4 && _section == Section.Snapshot && _header == HeaderField.Meta)
                {
                    if (_meta == MetaField.NodeFields) NodeFieldCount++;
                    else if (_meta == MetaField.EdgeFields) EdgeFieldCount++;
                }
                break;
            case JsonTokenType.PropertyName:
                if (depth == 1)
                {
                    _section = reader.ValueTextEquals("snapshot"u8) ? Section.Snapshot
                        : reader.ValueTextEquals("nodes"u8) ? Section.Nodes
                        : reader.ValueTextEquals("edges"u8) ? Section.Edges
                        : reader.ValueTextEquals("strings"u8) ? Section.Strings
                        : Section.Other;
                }
                else if (depth == 2 && _section == Section.Snapshot)
                {
                    _header = reader.ValueTextEquals("meta"u8) ? HeaderField.Meta
                        : reader.ValueTextEquals("node_count"u8) ? HeaderField.NodeCount
                        : reader.ValueTextEquals("edge_count"u8) ? HeaderField.EdgeCount
                        : HeaderField.Other;
                }
                else if (depth == 3 && _section == Section.Snapshot && _header == HeaderField.Meta)
                {
                    _meta = reader.ValueTextEquals("node_fields"u8) ? MetaField.NodeFields
                        : reader.ValueTextEquals("edge_fields"u8) ? MetaField.EdgeFields
                        : MetaField.Other;
                }
                break;
            case JsonTokenType.StartArray:
            case JsonTokenType.StartObject:
                if (depth == 0 && reader.TokenType == JsonTokenType.StartArray)
                    throw new JsonException("expected an object at the top level");
                break;
            case JsonTokenType.EndObject:
                if (depth == 0) _rootClosed = true;
                break;
        }
    }

    // edge_count is sometimes written as a double ("1.23e+06").
    private static long ReadCount(ref Utf8JsonReader reader) =>
        reader.TryGetInt64(out long value) ? value : (long)reader.GetDouble();

    private string Where() => _section switch
    {
        Section.Snapshot => " (in the header)",
        Section.Nodes => $" (in 'nodes', after {NodeValues:N0} values)",
        Section.Edges => $" (in 'edges', after {EdgeValues:N0} values)",
        Section.Strings => $" (in 'strings', after {StringCount:N0} strings)",
        _ => "",
    };

    private static string FirstLine(string message)
    {
        int newline = message.IndexOf('\n');
        return newline < 0 ? message : message[..newline];
    }

    public void Dispose()
    {
        if (_pending.Length > 0) ArrayPool<byte>.Shared.Return(_pending);
        _pending = [];
    }
}
