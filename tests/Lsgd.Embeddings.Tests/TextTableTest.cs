namespace Lsgd.Embeddings.Tests;

public class TextTableTest
{
    [Fact]
    public void ReadsQuotedTextsAndSkipsBlankLines()
    {
        using var folder = new TempFolder();
        string path = folder.File("t.csv", "emoji,label,group\n😀,grinning face,smileys\n\n👩‍❤️‍💋‍👨,\"kiss: woman, man\",people\n");
        var table = TextTable.Read(path, ["label", "group"]);
        Assert.Equal(["grinning face", "kiss: woman, man"], table.Column("label"));
        Assert.Equal(["smileys", "people"], table.Column("group"));
        Assert.Equal([2, 4], table.Lines);
    }

    [Fact]
    public void MissingTextColumnIsNamedWithTheColumnsThereAre()
    {
        using var folder = new TempFolder();
        string path = folder.File("t.csv", "word,valence\nabandon,-2\n");
        var error = Assert.Throws<LsgdException>(() => TextTable.Read(path, ["text", "valence"]));
        Assert.Equal($"{path} has no column 'text'; its columns are 'word', 'valence'. Check the spelling (names are case-sensitive).", error.Message);
    }

    [Fact]
    public void TabSeparatedFileReadAsCommaSeparatedSuggestsTheSeparator()
    {
        using var folder = new TempFolder();
        string path = folder.File("t.txt", "word\tvalence\nabandon\t-2\n");
        var error = Assert.Throws<LsgdException>(() => TextTable.Read(path, ["word"]));
        Assert.EndsWith("Only one column was found: if the file is not comma-separated, give --separator.", error.Message);
        Assert.Equal(["abandon"], TextTable.Read(path, ["word"], '\t').Column("word"));
    }
}
