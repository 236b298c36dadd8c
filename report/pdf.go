package report

import (
	"context"
	"errors"
	"fmt"
	"html"
	"io"
	"os/exec"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"placeplan"
)

// The PDF is the HTML paper printed by headless Chromium (Debian's
// chromium), driven over the DevTools protocol by chromedp. Chromium is
// the one renderer at hand that writes a tagged PDF — headings, reading
// order, table headers, figures with their alt text, the document's title
// and language — with every font embedded, which the Public Sector Bodies
// Accessibility Regulations ask of a paper a council publishes. The same
// HTML is the html format, so the two never differ.

// Chromium names the browser WritePDF drives: the executable's path, or
// "" to look for chromium, chromium-browser or google-chrome on PATH.
type Chromium string

// path returns the executable to run, or an error that says how to get
// one.
func (c Chromium) path(what string) (string, error) {
	if c != "" {
		p, err := exec.LookPath(string(c))
		if err != nil {
			return "", placeplan.Errorf(placeplan.EUNSUPPORTED, "%s: chromium %s: %w", what, string(c), err)
		}
		return p, nil
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p, nil
		}
	}
	return "", placeplan.Errorf(placeplan.EUNSUPPORTED,
		"%s: the paper is rendered by Chromium, and none was found on PATH (chromium, chromium-browser or google-chrome): install Debian's chromium package, or write --format html", what)
}

// WritePDF prints the paper to an A4 tagged PDF through headless
// Chromium: every page has a footer with the marking, the scenario and
// its revision, the data vintage, and "page n of N".
func WritePDF(ctx context.Context, w io.Writer, p *Paper, browser Chromium) error {
	doc, err := HTML(p)
	if err != nil {
		return err
	}
	var pdf []byte
	err = browser.run(ctx, "pdf", func(bctx context.Context) error {
		pdf, err = printPDF(bctx, doc, footerTemplate(p))
		return err
	})
	if err != nil {
		return err
	}
	if _, err := w.Write(pdf); err != nil {
		return fmt.Errorf("pdf: write: %w", err)
	}
	return nil
}

// run starts headless Chromium, calls fn with its context, and closes it.
// what names the format in errors.
func (c Chromium) run(ctx context.Context, what string, fn func(ctx context.Context) error) error {
	exe, err := c.path(what)
	if err != nil {
		return err
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe),
		chromedp.NoSandbox, // root in containers and CI
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	defer cancelAlloc()
	bctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	if err := fn(bctx); err != nil {
		if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
			return err
		}
		return fmt.Errorf("%s: render with %s: %w", what, exe, err)
	}
	return nil
}

// setContent loads doc into the browser of ctx, on a blank page.
func setContent(ctx context.Context, doc string) error {
	if err := chromedp.Do(ctx, chromedp.Navigate("about:blank")); err != nil {
		return err
	}
	tree, err := chromedp.Call(ctx, page.GetFrameTree, cdp.Empty{})
	if err != nil {
		return err
	}
	_, err = chromedp.Call(ctx, page.SetDocumentContent, page.SetDocumentContentParams{FrameID: tree.FrameTree.Frame.ID, HTML: doc})
	return err
}

// printPDF loads doc into the browser of ctx and prints it: A4 from the
// paper's @page rule, backgrounds, the footer, tagged, with an outline.
func printPDF(ctx context.Context, doc, footer string) ([]byte, error) {
	if err := setContent(ctx, doc); err != nil {
		return nil, err
	}
	return chromedp.Run(ctx, chromedp.PrintToPDF(
		chromedp.PDFPaper(chromedp.PaperA4),
		chromedp.PDFPreferCSSPageSize(),
		chromedp.PDFPrintBackground(),
		chromedp.PDFHeaderTemplate(`<span></span>`),
		chromedp.PDFFooterTemplate(footer),
		chromedp.PDFOutlineAndTagged(),
	))
}

// footerTemplate is every page's footer: Chromium fills the pageNumber
// and totalPages spans. It is drawn outside the page's content, so it
// takes its font and size from its own styles.
func footerTemplate(p *Paper) string {
	return fmt.Sprintf(`<div style="font-family: 'Noto Sans', 'DejaVu Sans', Arial, sans-serif; font-size: 8pt; color: #0b0c0c; width: 100%%; margin: 0 18mm; display: flex; justify-content: space-between;">`+
		`<span><b>%s</b> · %s</span><span>Page <span class="pageNumber"></span> of <span class="totalPages"></span></span></div>`,
		html.EscapeString(p.Marking), html.EscapeString(p.Footer))
}
