"""The dashboard in a real browser: headless Chromium driven by Selenium against a real daemon.

Run by DashboardBrowserTests (Swift), which starts the daemon, makes the tokens and the first
releases, and passes everything through the environment. Each step is what a person does: sign in,
approve a pending production deployment and watch it reach `succeeded` without a reload, abort a
canary, roll back, and, as a viewer, find no action offered and every action refused. Screenshots
of the overview and of a deployment page go to SCREENSHOTS. Exits 0 when every check held; else
prints what failed and exits 1.
"""
import json
import os
import subprocess
import sys
import time

from selenium import webdriver
from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException, TimeoutException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

BASE = os.environ["DASHBOARD_URL"]
TOKENS = json.loads(os.environ["DASHBOARD_TOKENS"])
SLIPWAY = os.environ["SLIPWAY_BINARY"]
CONFIG = os.environ["SLIPWAY_CONFIG"]
REPOSITORY = os.environ["SLIPWAY_REPOSITORY"]
SCREENSHOTS = os.environ["SCREENSHOTS"]


def fail(message):
    print("FAILED: " + message, flush=True)
    sys.exit(1)


def step(message):
    print("step: " + message, flush=True)


def browser():
    options = webdriver.ChromeOptions()
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                     "--window-size=1280,1000", "--disable-extensions"):
        options.add_argument(argument)
    options.binary_location = "/usr/bin/chromium"
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    driver.set_page_load_timeout(30)
    return driver


def wait(driver, what, condition, timeout=30):
    try:
        # The page is live: an element read while it is replaced is read again at the next poll.
        return WebDriverWait(driver, timeout, poll_frequency=0.1,
                             ignored_exceptions=(StaleElementReferenceException, NoSuchElementException)).until(lambda d: condition(d))
    except TimeoutException:
        fail(f"{what} (after {timeout} s on {driver.current_url}):\n" + driver.find_element(By.TAG_NAME, "body").text[:3000])


def sign_in(driver, name):
    driver.get(BASE + "/sign-in")
    driver.find_element(By.ID, "token").send_keys(TOKENS[name])
    driver.find_element(By.CSS_SELECTOR, "form[action='/sign-in'] button").click()
    wait(driver, f"{name} is signed in", lambda d: d.current_url.rstrip("/") == BASE and name in d.find_element(By.CLASS_NAME, "who").text)


def sign_out(driver):
    driver.find_element(By.CSS_SELECTOR, "form[action='/sign-out'] button").click()
    wait(driver, "signed out", lambda d: d.current_url.endswith("/sign-in"))


def submit(driver, find, reason=None):
    """Fills the form `find` returns (its reason when asked), presses its button and accepts the
    confirmation it asks for. The page is live: a form found just before an update of the page is
    gone after it, and is found again."""
    for attempt in range(10):
        try:
            form = find(driver)
            if reason is not None:
                field = form.find_element(By.NAME, "reason")
                field.clear()
                field.send_keys(reason)
            form.find_element(By.TAG_NAME, "button").click()
            break
        except StaleElementReferenceException:
            # Replaced by a live update between finding and clicking: find it again in its new place.
            continue
    else:
        fail("the form kept being replaced under the click")
    alert = WebDriverWait(driver, 5).until(lambda d: d.switch_to.alert)
    alert.accept()


def slipway(*arguments, token, background=False):
    environment = dict(os.environ, SLIPWAY_API=BASE, SLIPWAY_TOKEN=TOKENS[token])
    command = [SLIPWAY, *arguments, "--config", CONFIG]
    if background:
        return subprocess.Popen(command, cwd=REPOSITORY, env=environment, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    return subprocess.run(command, cwd=REPOSITORY, env=environment, capture_output=True, text=True, timeout=120)


def post_from_page(driver, action, fields):
    """A form POST sent by the page itself (its cookie, its origin): the status the dashboard answers."""
    return driver.execute_async_script("""
        const done = arguments[arguments.length - 1];
        fetch(arguments[0], {method: "POST", headers: {"Content-Type": "application/x-www-form-urlencoded"},
                             body: new URLSearchParams(arguments[1]), redirect: "manual"})
            .then(r => done(r.status)).catch(e => done(String(e)));
    """, action, fields)


def page_csrf(driver):
    return driver.find_element(By.CSS_SELECTOR, "form[action='/sign-out'] input[name='csrf']").get_attribute("value")


def main():
    os.makedirs(SCREENSHOTS, exist_ok=True)
    driver = browser()
    driver.set_script_timeout(20)
    try:
        # A production deployment by alice waits for an approver.
        pending = slipway("deploy", "web", "--env", "production", "--ref", "v2.0.0", "--json", token="alice")
        if pending.returncode != 0:
            fail("alice's production deploy: " + pending.stdout + pending.stderr)
        deployment = json.loads(pending.stdout)["id"]

        step("bob approves it in the dashboard and watches it reach succeeded without a reload")
        sign_in(driver, "bob")
        def pending_item(d):
            return next((li for li in d.find_elements(By.CSS_SELECTOR, ".pending li") if deployment in li.text), None)
        wait(driver, "the pending deployment is listed", pending_item)
        submit(driver, lambda d: pending_item(d).find_element(By.CSS_SELECTOR, "form[action='/actions/approve']"))
        wait(driver, "the approval is confirmed", lambda d: "approved " + deployment in d.find_element(By.ID, "overview").text)
        driver.get(BASE + "/deployments/" + deployment)
        driver.execute_script("window.stillTheSamePage = true;")
        first = wait(driver, "the deployment page shows an outcome",
                     lambda d: d.find_element(By.CSS_SELECTOR, "#record h1 .outcome").text or None)
        if "succeeded" in first:
            fail("the deployment had already ended when its page opened: nothing was watched live")
        wait(driver, "the stages appear as they run", lambda d: "build" in d.find_element(By.CSS_SELECTOR, "#record").text)
        wait(driver, "the deployment reaches succeeded live",
             lambda d: "succeeded" in d.find_element(By.CSS_SELECTOR, "#record h1 .outcome").text, timeout=60)
        if not driver.execute_script("return window.stillTheSamePage === true;"):
            fail("the page was reloaded to show the outcome")
        wait(driver, "the log followed the deployment", lambda d: d.find_element(By.ID, "log").text.strip() != "")
        driver.save_screenshot(os.path.join(SCREENSHOTS, "deployment.png"))
        sign_out(driver)

        step("alice aborts a canary from the overview")
        canary = slipway("deploy", "web", "--env", "staging", "--ref", "v2.0.0", token="alice", background=True)
        sign_in(driver, "alice")
        def abort(d):
            return next(iter(d.find_elements(By.CSS_SELECTOR, "form[action='/actions/rollout-abort']")), None)
        wait(driver, "the canary's abort button appears live", abort, timeout=60)
        driver.save_screenshot(os.path.join(SCREENSHOTS, "overview.png"))
        submit(driver, abort)
        wait(driver, "the abort is confirmed", lambda d: "abort of web's rollout taken" in d.find_element(By.ID, "overview").text)
        try:
            output, _ = canary.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            canary.kill()
            fail("the aborted canary's deploy did not end")
        if canary.returncode != 4:
            fail(f"the aborted canary's deploy exited {canary.returncode}, not 4:\n{output}")

        step("alice rolls production back, with a reason")
        def production_rollback(d):
            sections = [s for s in d.find_elements(By.CSS_SELECTOR, "section.environment")
                        if s.find_element(By.TAG_NAME, "h2").text.startswith("production")]
            if not sections:
                fail("no production section on the overview")
            return sections[0].find_element(By.CSS_SELECTOR, "form[action='/actions/rollback']")
        submit(driver, production_rollback, reason="browser test")
        wait(driver, "the rollback starts", lambda d: "rollback of web started" in d.find_element(By.ID, "overview").text)
        wait(driver, "production serves v1.0.0 again, shown live",
             lambda d: any(s.find_element(By.TAG_NAME, "h2").text.startswith("production") and "v1.0.0" in s.text
                           and "v2.0.0" not in s.find_element(By.CSS_SELECTOR, "tbody td:nth-child(2)").text
                           for s in d.find_elements(By.CSS_SELECTOR, "section.environment")), timeout=60)
        status = post_from_page(driver, "/actions/rollback", {"service": "web", "environment": "production"})
        if status != 403:
            fail(f"a form without the session's CSRF token was answered {status}, not 403")
        sign_out(driver)

        step("vic, a viewer, is offered no action and refused each one")
        sign_in(driver, "vic")
        offered = driver.find_elements(By.CSS_SELECTOR, "form[action^='/actions/']")
        if offered:
            fail("a viewer is offered: " + ", ".join(f.get_attribute("action") for f in offered))
        csrf = page_csrf(driver)
        for action, fields in (("/actions/approve", {"deployment": deployment}),
                               ("/actions/rollout-abort", {"service": "web", "environment": "staging"}),
                               ("/actions/rollback", {"service": "web", "environment": "production"})):
            answered = post_from_page(driver, action, dict(fields, csrf=csrf))
            if answered != 403:
                fail(f"a viewer's {action} was answered {answered}, not 403")
        driver.get(BASE + "/history?environment=production")
        wait(driver, "the history lists production's deployments",
             lambda d: len(d.find_elements(By.CSS_SELECTOR, "tr.deployment-row")) >= 3)
        driver.get(BASE + "/audit")
        wait(driver, "the audit trail shows the browser's actions",
             lambda d: "dashboard.signed_in" in d.page_source and "approve" in d.page_source)
        print("all dashboard checks passed", flush=True)
    finally:
        driver.quit()


if __name__ == "__main__":
    main()
