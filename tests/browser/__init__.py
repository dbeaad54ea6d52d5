from playwright.sync_api import Page


def follow(page: Page, selector: str) -> None:
    """Click a link or a form's button and wait for the page it loads. Playwright's click
    no longer waits for the navigation it starts, and until the new page commits the old
    one answers every read: a check right after a bare click may read the page before."""
    with page.expect_navigation():
        page.click(selector)
