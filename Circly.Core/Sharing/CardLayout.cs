using SkiaSharp;

namespace Circly.Core.Sharing;

/// <summary>One text's box on a card: where it may go, its largest and smallest font size, its colour.</summary>
internal sealed record TextSlot(SKRect Box, float Largest, float Smallest, SKColor Color);

/// <summary>
/// Where things go on each format. The panel's slots stack from the top of the panel's content
/// area and the stack is centred in it; each slot's box is the most its text may take.
/// </summary>
internal sealed record CardLayout(
    int Width, int Height, SKColor Top, SKColor Bottom, SKRect Panel, float PanelRadius,
    TextSlot App, TextSlot Headline, TextSlot Question, TextSlot Nickname, TextSlot Circle, TextSlot Footer, float Gap)
{
    private static readonly SKColor White = SKColors.White;
    private static readonly SKColor Ink = new(0x1E, 0x1B, 0x4B);
    private static readonly SKColor Violet = new(0x5B, 0x3D, 0xF5);
    private static readonly SKColor Plum = new(0x6D, 0x28, 0xD9);
    private static readonly SKColor Grey = new(0x6B, 0x72, 0x80);

    public static CardLayout For(ShareCardFormat format) => format == ShareCardFormat.Story ? Story : Link;

    // 1080 x 1920: the app's name on top, a white panel in the middle, the store link below.
    // Panel content area 808 x 968: 180 + 440 + 150 + 90 + 3 gaps of 36 = 968.
    private static readonly CardLayout Story = new(
        1080, 1920, Violet, new SKColor(0xEC, 0x48, 0x99), SKRect.Create(72, 380, 936, 1100), 48,
        App: new TextSlot(SKRect.Create(72, 150, 936, 130), 88, 40, White),
        Headline: new TextSlot(SKRect.Create(136, 446, 808, 180), 64, 34, Ink),
        Question: new TextSlot(SKRect.Create(136, 446, 808, 440), 88, 40, Violet),
        Nickname: new TextSlot(SKRect.Create(136, 446, 808, 150), 64, 32, Plum),
        Circle: new TextSlot(SKRect.Create(136, 446, 808, 90), 44, 26, Grey),
        Footer: new TextSlot(SKRect.Create(72, 1600, 936, 180), 48, 26, White),
        Gap: 36);

    // 1200 x 630: the same, compact. Panel content area 1024 x 340: 70 + 140 + 60 + 40 + 3 gaps of 10 = 340.
    private static readonly CardLayout Link = new(
        1200, 630, Violet, new SKColor(0xEC, 0x48, 0x99), SKRect.Create(48, 112, 1104, 430), 32,
        App: new TextSlot(SKRect.Create(48, 26, 1104, 70), 48, 28, White),
        Headline: new TextSlot(SKRect.Create(88, 157, 1024, 70), 40, 22, Ink),
        Question: new TextSlot(SKRect.Create(88, 157, 1024, 140), 54, 24, Violet),
        Nickname: new TextSlot(SKRect.Create(88, 157, 1024, 60), 38, 20, Plum),
        Circle: new TextSlot(SKRect.Create(88, 157, 1024, 40), 28, 16, Grey),
        Footer: new TextSlot(SKRect.Create(48, 550, 1104, 54), 30, 18, White),
        Gap: 10);

    /// <summary>The panel's content area: the panel less its padding.</summary>
    public SKRect PanelContent => SKRect.Create(Headline.Box.Left, Headline.Box.Top, Headline.Box.Width, Nickname.Box.Height + Headline.Box.Height
        + Question.Box.Height + Circle.Box.Height + 3 * Gap);
}
