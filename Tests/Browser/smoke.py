"""Browser smoke test: a counselor logs in with the keyboard alone, on a desktop and a phone-sized
window; axe-core must find no serious or critical accessibility violation on the login, start,
portfolio, candidate, registration and office overview pages, and none of them may scroll sideways
on a phone. Expects SAMSKAP_URL (a server started with `serve --demo`) and SAMSKAP_DEMO_PASSWORD."""

import os
import sys

from axe_selenium_python import Axe
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

BASE = os.environ["SAMSKAP_URL"].rstrip("/")
PASSWORD = os.environ["SAMSKAP_DEMO_PASSWORD"]
SHOTS = os.environ.get("SAMSKAP_SCREENSHOTS")


def driver(width, height):
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                f"--window-size={width},{height}", "--lang=nb-NO"):
        options.add_argument(arg)
    # Headless Chromium ignores --lang for Accept-Language; the preference sets it.
    options.add_experimental_option("prefs", {"intl.accept_languages": "nb-NO,nb,no"})
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)


def check_accessibility(browser, page):
    axe = Axe(browser)
    axe.inject()
    results = axe.run()
    bad = [v for v in results["violations"] if v.get("impact") in ("serious", "critical")]
    for violation in bad:
        print(f"  axe {violation['impact']}: {violation['id']} – {violation['help']}")
        for node in violation["nodes"][:3]:
            print(f"    {node['target']}")
    assert not bad, f"{page}: {len(bad)} serious/critical accessibility violations"
    print(f"  {page}: no serious or critical axe violations ({len(results['violations'])} minor)")


def no_horizontal_scroll(browser, page):
    overflow = browser.execute_script(
        "return document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 1, f"{page}: page is {overflow}px wider than the window"


def shot(browser, name):
    if SHOTS:
        os.makedirs(SHOTS, exist_ok=True)
        browser.save_screenshot(os.path.join(SHOTS, name + ".png"))


def login_with_keyboard(browser, label):
    browser.delete_all_cookies()
    browser.get(BASE + "/logg-inn")
    assert "Logg inn" in browser.title, browser.title
    check_accessibility(browser, f"login page ({label})")
    no_horizontal_scroll(browser, f"login page ({label})")
    shot(browser, f"login-{label}")

    body = browser.find_element(By.TAG_NAME, "body")
    body.send_keys(Keys.TAB)  # skip link
    active = browser.switch_to.active_element
    assert active.get_attribute("class") == "skip-link", "the first Tab reaches the skip link"
    active.send_keys(Keys.ENTER)  # follow the skip link: focus moves to the main content
    active = browser.switch_to.active_element
    assert active.get_attribute("id") == "main", f"the skip link moves focus to main, got {active.tag_name}"
    active.send_keys(Keys.TAB)
    active = browser.switch_to.active_element
    assert active.get_attribute("id") == "username", f"Tab reaches the username field, got {active.get_attribute('id')}"
    active.send_keys("veileder1", Keys.TAB)
    active = browser.switch_to.active_element
    assert active.get_attribute("id") == "password"
    active.send_keys(PASSWORD, Keys.ENTER)

    left(browser, "/logg-inn")
    heading = browser.find_element(By.TAG_NAME, "h1").text
    assert heading == "Hei, Vera Veileder", f"start page heading: {heading!r}"
    assert "NAV Demo Nord" in browser.page_source
    check_accessibility(browser, f"start page ({label})")
    no_horizontal_scroll(browser, f"start page ({label})")
    shot(browser, f"start-{label}")


def left(browser, path):
    """Waits until the browser has left `path` and the next page has its heading. Waiting only for
    an h1 can see the old page's heading, before the form's answer arrived."""
    WebDriverWait(browser, 10).until(lambda b: path not in b.current_url.replace(BASE, ""))
    WebDriverWait(browser, 10).until(EC.presence_of_element_located((By.TAG_NAME, "h1")))


def check_page(browser, path, label, name, expect):
    browser.get(BASE + path)
    WebDriverWait(browser, 10).until(EC.presence_of_element_located((By.TAG_NAME, "h1")))
    assert expect in browser.page_source, f"{name}: {expect!r} not on the page"
    check_accessibility(browser, f"{name} ({label})")
    no_horizontal_scroll(browser, f"{name} ({label})")
    shot(browser, f"{name}-{label}")


def portfolio_and_candidate(browser, label):
    """The counselor's portfolio, a filter, a candidate's page and the registration form."""
    check_page(browser, "/portefolje", label, "portfolio", "Min portefølje")
    count = browser.find_element(By.ID, "result-count").text
    assert count.endswith("kandidater") and int(count.split()[0]) > 0, f"demo portfolio is empty: {count!r}"
    check_page(browser, "/portefolje?filter=hybrid", label, "portfolio-hybrid", "Hybridoppfølging")
    first = browser.find_element(By.CSS_SELECTOR, "table tbody td a")
    href = first.get_attribute("href")
    check_page(browser, href.replace(BASE, ""), label, "candidate", "Ressurser og styrker")
    page = browser.page_source
    assert page.index("Ressurser og styrker") < page.index("Utfordringer og begrensninger"), "strengths first"
    assert "*****" in page, "the national ID number is masked"
    reveal = browser.find_element(By.CSS_SELECTOR, "form[action$='/vis-fnr'] button")
    color = browser.execute_script("return getComputedStyle(arguments[0]).color", reveal)
    assert reveal.is_displayed() and color != "rgb(255, 255, 255)", f"the reveal button is visible (colour {color})"
    check_page(browser, "/kandidater/ny", label, "candidate-form", "Registrer kandidat")
    pathway_page(browser, label, href.replace(BASE, ""))


def pathway_page(browser, label, candidate_path):
    """The hybrid candidate's pathway: step bar, criteria panel with risks, the event form."""
    browser.get(BASE + candidate_path)
    link = browser.find_element(By.CSS_SELECTOR, "#forlop a[href^='/forlop/']")
    check_page(browser, link.get_attribute("href").replace(BASE, ""), label, "pathway", "Kvalitetskriterier")
    current = browser.find_elements(By.CSS_SELECTOR, ".step-bar [aria-current='step']")
    assert len(current) == 1, "exactly one current step in the step bar"
    assert browser.find_elements(By.CSS_SELECTOR, ".criterion .risk"), "risk texts are shown next to the criteria"
    assert browser.find_element(By.ID, "event-type").is_displayed(), "the event form is there"
    pathway = browser.current_url.replace(BASE, "")
    follow_up(browser, label, pathway)
    browser.get(BASE + pathway)
    jobs_and_employers(browser, label)


def follow_up(browser, label, pathway):
    """The start page's alerts, the pathway's follow-up page, a held meeting and its calendar link."""
    check_page(browser, "/", label, "start-alerts", "Trenger oppfølging")
    check_page(browser, pathway + "/oppfolging", label, "follow-up", "Kontakter")
    assert browser.find_element(By.ID, "kontakt-channel").is_displayed(), "the contact form is there"
    meetings = [a.get_attribute("href") for a in browser.find_elements(By.CSS_SELECTOR, "#moter a[href^='/moter/'], #moter a[href*='/moter/']")]
    assert meetings, "the demo pathway has meetings"
    check_page(browser, meetings[-1].replace(BASE, ""), label, "meeting", "Referat")
    assert browser.find_elements(By.CSS_SELECTOR, "a[href$='.ics']"), "the meeting has a calendar file"


def jobs_and_employers(browser, label):
    """The pathway's job page, an agreement with its subsidy, the employer register and an employer."""
    jobs = browser.find_element(By.CSS_SELECTOR, "a[href$='/jobb']").get_attribute("href").replace(BASE, "")
    check_page(browser, jobs, label, "jobs", "Jobbutvikling")
    assert browser.find_element(By.ID, "kontakt-channel").is_displayed(), "the employer contact form is there"
    check_page(browser, "/virksomheter", label, "employers", "Virksomheter")
    rows = browser.find_elements(By.CSS_SELECTOR, "table tbody tr")
    assert len(rows) >= 25, f"the demo office has about 30 employers, found {len(rows)}"
    browser.find_element(By.ID, "q").send_keys("bakeri", Keys.ENTER)
    WebDriverWait(browser, 10).until(EC.url_contains("q=bakeri"))
    employer = browser.find_element(By.CSS_SELECTOR, "table tbody td a").get_attribute("href").replace(BASE, "")
    check_page(browser, employer, label, "employer", "Ikke skriv sensitive opplysninger om kandidater her")
    check_page(browser, "/jobbutvikling", label, "weeks", "Mine arbeidsgiverkontakter per uke")
    browser.get(BASE + jobs)
    agreements = [a.get_attribute("href") for a in browser.find_elements(By.CSS_SELECTOR, "#avtaler a[href^='/avtaler/'], #avtaler a[href*='/avtaler/']")]
    assert agreements, "the demo pathway has agreements"
    for index, href in enumerate(agreements[:3]):
        check_page(browser, href.replace(BASE, ""), label, f"agreement-{index}", "Versjoner")


def leader_overview(browser, label):
    browser.delete_all_cookies()
    browser.get(BASE + "/logg-inn")
    browser.find_element(By.ID, "username").send_keys("leder1")
    browser.find_element(By.ID, "password").send_keys(PASSWORD, Keys.ENTER)
    left(browser, "/logg-inn")
    check_page(browser, "/kontor/oversikt", label, "overview", "Viktor Veileder")
    check_page(browser, "/kontor/kvalitet", label, "quality", "Kvalitetskriterier på kontoret")
    check_page(browser, "/kontor/oppfolging", label, "office-follow-up", "Ordliste for klarspråk")
    check_page(browser, "/metodemodeller", label, "models", "Snart Ansatt")
    models_url = browser.current_url
    browser.find_element(By.LINK_TEXT, "Snart Ansatt").click()
    WebDriverWait(browser, 10).until(EC.url_changes(models_url))
    WebDriverWait(browser, 10).until(EC.presence_of_element_located((By.TAG_NAME, "h1")))
    check_page(browser, browser.current_url.replace(BASE, ""), label, "model", "Risiko")


def sign_in_outside_nav(browser, label, username):
    """A mentor or employer contact signs in; the declaration comes first (accepted on the first run)."""
    browser.delete_all_cookies()
    browser.get(BASE + "/logg-inn")
    browser.find_element(By.ID, "username").send_keys(username)
    browser.find_element(By.ID, "password").send_keys(PASSWORD, Keys.ENTER)
    left(browser, "/logg-inn")
    if browser.find_elements(By.ID, "erklaering-accept"):
        assert "Taushetserklæring" in browser.page_source, "the declaration comes first"
        check_accessibility(browser, f"declaration ({label})")
        no_horizontal_scroll(browser, f"declaration ({label})")
        shot(browser, f"declaration-{label}")
        browser.find_element(By.ID, "erklaering-accept").click()
        browser.find_element(By.CSS_SELECTOR, "#erklaering button[type=submit]").click()
        left(browser, "/erklaering")


def outside_nav(browser, label):
    """The mentor's pages, the employer contact's pages, and the staff side of both."""
    sign_in_outside_nav(browser, label, "mentor1")
    check_page(browser, "/mentor", label, "mentor-home", "Mine kandidater")
    browser.find_element(By.CSS_SELECTOR, "a.big-link").click()
    WebDriverWait(browser, 10).until(EC.presence_of_element_located((By.ID, "alarm-heading")))
    check_page(browser, browser.current_url.replace(BASE, ""), label, "mentor-case", "Trenger du hjelp nå?")
    check_page(browser, "/mentor/samlinger", label, "mentor-gatherings", "amling")
    sign_in_outside_nav(browser, label, "arbeidsgiver1")
    check_page(browser, "/arbeidsgiver", label, "employer-home", "avtale")
    links = [a.get_attribute("href") for a in browser.find_elements(By.CSS_SELECTOR, "a[href*='/arbeidsgiver/avtaler/']")]
    assert links, "the employer contact sees agreements"
    check_page(browser, links[0].replace(BASE, ""), label, "employer-agreement", "Skriv til veilederen")
    browser.delete_all_cookies()
    browser.get(BASE + "/logg-inn")
    browser.find_element(By.ID, "username").send_keys("veileder1")
    browser.find_element(By.ID, "password").send_keys(PASSWORD, Keys.ENTER)
    left(browser, "/logg-inn")
    assert "Mentoren ber om hjelp" in browser.page_source, "the mentor's alarm is on the start page"
    check_page(browser, "/meldinger", label, "messages", "Meldinger fra arbeidsgivere")
    check_page(browser, "/samlinger", label, "gatherings", "amling")


def sign_in(browser, username):
    browser.delete_all_cookies()
    browser.get(BASE + "/logg-inn")
    browser.find_element(By.ID, "username").send_keys(username)
    browser.find_element(By.ID, "password").send_keys(PASSWORD, Keys.ENTER)
    left(browser, "/logg-inn")


def first_link(browser, prefix):
    links = [a.get_attribute("href") for a in browser.find_elements(By.CSS_SELECTOR, f"main a[href^='{prefix}'], main a[href*='{prefix}']")]
    links = [href.replace(BASE, "") for href in links if href.replace(BASE, "").rstrip("/") != prefix.rstrip("/")]
    assert links, f"a link to {prefix}… is on the page"
    return links[0]


def reflection(browser, label):
    """Reflection as a counselor (hub, log, groups, sessions, actions, case presentations, the office
    note, the premises) and as a leader (the learning overview and the county view)."""
    sign_in(browser, "veileder1")
    assert "Mine tiltak fra refleksjon" in browser.page_source, "the counselor's open actions are on the start page"
    check_page(browser, "/refleksjon", label, "reflection-hub", "Refleksjon og læring")
    check_page(browser, "/refleksjon/logg", label, "learning-log", "Lært")
    check_page(browser, "/refleksjon/grupper", label, "reflection-groups", "Alle hybridveiledere")
    check_page(browser, first_link(browser, "/refleksjon/grupper/"), label, "reflection-group", "Alle hybridveiledere")
    check_page(browser, "/refleksjon/moter", label, "reflection-sessions", "Refleksjonsmøter")
    sessions = [a.get_attribute("href").replace(BASE, "") for a in browser.find_elements(By.CSS_SELECTOR, "main a[href*='/refleksjon/moter/']")]
    sessions = [href for href in sessions if href != "/refleksjon/moter/ny"]
    assert sessions, "the demo has reflection sessions"
    for index, href in enumerate(sessions[:2]):
        check_page(browser, href, label, f"reflection-session-{index}", "Oppmøte")
    check_page(browser, "/refleksjon/tiltak", label, "reflection-actions", "Mine tiltak")
    check_page(browser, "/refleksjon/case", label, "case-presentations", "Case-presentasjoner")
    case = first_link(browser, "/refleksjon/case/")
    check_page(browser, case, label, "case-presentation", "Hva vil du drøfte?")
    assert "fødselsnummer" not in browser.page_source.lower() or "[fødselsnummer]" in browser.page_source.lower()
    check_page(browser, "/refleksjon/notat", label, "reflection-notes", "Kontorets refleksjonsnotat")
    check_page(browser, first_link(browser, "/refleksjon/notat/"), label, "reflection-note", "Slik jobber vi med hybridmodellen")
    check_page(browser, "/kontor/premisser", label, "premises", "Premissene for hybridmodellen")
    sign_in(browser, "leder1")
    check_page(browser, "/kontor/laering", label, "learning-overview", "Hva kontoret lærer")
    check_page(browser, "/kontor/laering/fylke", label, "learning-county", "&lt;3")


def main():
    for label, (width, height) in {"desktop": (1280, 900), "phone": (375, 812)}.items():
        browser = driver(width, height)
        try:
            login_with_keyboard(browser, label)
            portfolio_and_candidate(browser, label)
            leader_overview(browser, label)
            outside_nav(browser, label)
            reflection(browser, label)
        finally:
            browser.quit()
    print("Browser smoke test passed")


if __name__ == "__main__":
    try:
        main()
    except AssertionError as error:
        print(f"FAILED: {error}")
        sys.exit(1)
