using System.Text;

namespace KanikoBuild.Kaniko;

/// <summary>Turns chunks of bytes into whole lines as they arrive (UTF-8, split sequences kept across chunks).</summary>
internal sealed class LineSplitter(Action<string> onLine)
{
    readonly Decoder _decoder = Encoding.UTF8.GetDecoder();
    readonly StringBuilder _pending = new();
    char[] _chars = new char[4096];

    public void Write(byte[] buffer, int count)
    {
        var needed = Encoding.UTF8.GetMaxCharCount(count);
        if (_chars.Length < needed)
            _chars = new char[needed];
        var decoded = _decoder.GetChars(buffer, 0, count, _chars, 0);
        for (var i = 0; i < decoded; i++)
        {
            var c = _chars[i];
            if (c == '\n')
                Emit();
            else
                _pending.Append(c);
        }
    }

    /// <summary>Emits what is left after the stream ended without a final newline.</summary>
    public void Flush()
    {
        if (_pending.Length > 0)
            Emit();
    }

    void Emit()
    {
        var line = _pending.ToString().TrimEnd('\r');
        _pending.Clear();
        onLine(line);
    }
}
