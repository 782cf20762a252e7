#!/usr/bin/python3
"""The explorer in a real browser: Debian's chromium, headless, driven by Selenium through
chromedriver, against the real claimgraphd with the sample article loaded. Searches "kirby",
opens the drone-route statement, checks that the origins and the fused opinion shown are the
gRPC answer, opens the trace drawing and follows a node link, moves as_of to before the import
and sees the page empty, and leaves a screenshot of the statement page in the build folder."""
import argparse
import os
import shutil
import struct
import sys
import tempfile
import unittest
import zlib

from claimgraphd_fixture import ServerFixture

ARGS = None
TIMEOUT_S = 30


def png_pixels(data):
    """(width, height, distinct byte values of the decoded scanlines) of a PNG."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    offset, idat, width, height = 8, b"", 0, 0
    while offset < len(data):
        length, kind = struct.unpack(">I4s", data[offset:offset + 8])
        chunk = data[offset + 8:offset + 8 + length]
        if kind == b"IHDR":
            width, height = struct.unpack(">II", chunk[:8])
        elif kind == b"IDAT":
            idat += chunk
        offset += 12 + length
    return width, height, len(set(zlib.decompress(idat)))


class ExplorerTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = ServerFixture(ARGS.server, ["--metrics-listen", "127.0.0.1:0",
                                                 "--load", ARGS.sample])
        cls.channel = grpc.insecure_channel(f"127.0.0.1:{cls.server.port}")
        # Secure by default: the server generated an admin token into its data directory, which
        # the browser gets the way `make run` hands it out (#token=..., kept in sessionStorage).
        with open(os.path.join(cls.server.dir, "db", "admin.token")) as f:
            cls.token = f.read().split()[0]
        cls.metadata = [("authorization", "Bearer " + cls.token)]
        cls.profile = tempfile.mkdtemp(prefix="claimgraph-chromium-")
        options = webdriver.ChromeOptions()
        options.binary_location = "/usr/bin/chromium"
        for flag in ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                     "--no-first-run", "--disable-background-networking",
                     "--disable-component-update", "--disable-sync",
                     "--disable-dev-shm-usage", "--window-size=1366,900",
                     f"--user-data-dir={cls.profile}"]:
            options.add_argument(flag)
        cls.driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
        cls.base = f"http://127.0.0.1:{cls.server.http_port}/explorer/"

    @classmethod
    def tearDownClass(cls):
        cls.driver.quit()
        cls.channel.close()
        cls.server.stop()
        shutil.rmtree(cls.profile, ignore_errors=True)

    def wait_for_page(self, hash_prefix):
        WebDriverWait(self.driver, TIMEOUT_S).until(
            lambda d: (d.find_element(By.TAG_NAME, "body").get_attribute("data-ready") or "")
            .startswith(hash_prefix))
        errors = self.driver.find_elements(By.ID, "error")
        self.assertFalse(errors, errors[0].text if errors else "")

    def test_a_fact_checker_follows_the_drone_route(self):
        d = self.driver
        provenance = provenance_service_pb2_grpc.ProvenanceServiceStub(self.channel)
        claims = claim_service_pb2_grpc.ClaimServiceStub(self.channel)
        statement_id = claims.GetClaim(
            claim_service_pb2.GetClaimRequest(id="claim-route-from-kirby"), timeout=10,
            metadata=self.metadata).statement_id

        # Without the token the API answers 401 and the page asks for one.
        d.get(self.base)
        WebDriverWait(d, TIMEOUT_S).until(lambda d: d.find_elements(By.ID, "token-help"))
        self.assertIn("401", d.find_element(By.ID, "error").text)
        d.get(self.base + "#token=" + self.token)
        self.wait_for_page("#/")
        self.assertNotIn(self.token, d.current_url)
        # The keyboard only: type in the search box and press Enter.
        box = d.find_element(By.ID, "q")
        box.send_keys("kirby", Keys.ENTER)
        self.wait_for_page("#/search")
        d.find_element(By.LINK_TEXT, "John Kirby").send_keys(Keys.ENTER)
        self.wait_for_page("#/entity/john-kirby")
        d.find_element(By.CSS_SELECTOR, f'a[href^="#/statement/{statement_id}"]').click()
        self.wait_for_page("#/statement/" + statement_id)
        self.assertIn("shipped from", d.find_element(By.ID, "proposition").text)
        # Entities by name, each a link to its page (the qualifiers' too); ids only in the links.
        linked = [(a.text, a.get_attribute("href").split("#", 1)[1]) for a in
                  d.find_elements(By.CSS_SELECTOR, "#proposition a")]
        self.assertEqual(linked, [("Iranian attack drones", "/entity/iranian-attack-drones"),
                                  ("Amirabad", "/entity/amirabad"), ("Iran", "/entity/iran"),
                                  ("Russia", "/entity/russia")])
        # Flags and first appearances name documents by title, linked; no raw node keys.
        flags = d.find_element(By.ID, "flags").text
        self.assertIn("copy dated later", flags)
        self.assertNotIn("source:", flags)
        self.assertIn("Declassified U.S. intelligence", d.find_element(By.ID, "first").text)
        joined = d.find_element(By.CSS_SELECTOR, ".origin .joined")
        self.assertIn("the Biden administration", joined.text)
        self.assertNotIn("entity:", joined.text)
        self.assertIn("#/entity/biden-administration", " ".join(
            a.get_attribute("href") for a in joined.find_elements(By.TAG_NAME, "a")))

        expected = provenance.Corroborate(
            provenance_service_pb2.CorroborateRequest(statement_id=statement_id), timeout=10,
            metadata=self.metadata)
        fused = d.find_element(By.ID, "fused")
        for attribute, value in [("data-belief", expected.fused.belief),
                                 ("data-disbelief", expected.fused.disbelief),
                                 ("data-uncertainty", expected.fused.uncertainty),
                                 ("data-p", expected.fused.projected_probability)]:
            self.assertAlmostEqual(float(fused.get_attribute(attribute)), value, places=9)
        shown = [o.get_attribute("data-keys") for o in d.find_elements(By.CSS_SELECTOR, ".origin")]
        self.assertEqual(shown, [" ".join(o.keys) for o in expected.origins])
        self.assertTrue(shown)
        # Each origin lists its claims (Kirby's, and CBS relaying it, are one origin).
        boxes = d.find_elements(By.CSS_SELECTOR, ".origin")
        for box, origin in zip(boxes, expected.origins):
            listed = sorted(a.text for a in box.find_elements(By.CSS_SELECTOR, "li > a"))
            self.assertEqual(listed, sorted(c.claim_id for c in list(origin.supporting) +
                                            list(origin.refuting)))
        noun = "origin" if expected.origins_for == 1 else "origins"
        self.assertIn(f"{expected.origins_for} independent {noun} for",
                      d.find_element(By.ID, "origin-counts").text)

        screenshot = os.path.join(ARGS.out, "explorer-statement.png")
        d.save_screenshot(screenshot)
        with open(screenshot, "rb") as f:
            width, height, distinct = png_pixels(f.read())
        self.assertGreater(os.path.getsize(screenshot), 20000)
        self.assertGreaterEqual((width, height), (1000, 600))
        self.assertGreater(distinct, 50, "the screenshot looks blank")

        # The trace drawing: server-rendered SVG, and its nodes link to their pages.
        d.find_element(By.LINK_TEXT, "trace drawing").click()
        self.wait_for_page("#/trace/statement/")
        svg = WebDriverWait(d, TIMEOUT_S).until(
            lambda d: d.find_element(By.CSS_SELECTOR, "#drawing svg"))
        self.assertIn("shipped from", svg.find_element(By.TAG_NAME, "title").get_attribute(
            "textContent") + svg.text)
        # Readable without zooming on a laptop (the window is 1366 px wide): drawn at its own
        # size, all of its width in the window, no scrolling across.
        box_scroll, box_client, drawn, own, window, right = d.execute_script(
            "const box = document.getElementById('drawing'), svg = box.querySelector('svg');"
            "return [box.scrollWidth, box.clientWidth, svg.getBoundingClientRect().width,"
            " svg.width.baseVal.value, window.innerWidth, box.getBoundingClientRect().right];")
        self.assertAlmostEqual(drawn, own, delta=1)
        self.assertLessEqual(box_scroll, box_client)
        self.assertLessEqual(right, window)
        node = svg.find_element(By.CSS_SELECTOR, 'a[*|href*="#/claim/claim-route-from-kirby"]')
        node.click()
        self.wait_for_page("#/claim/claim-route-from-kirby")
        self.assertTrue(d.find_element(By.CSS_SELECTOR, "#drawing svg"))

        # What did we know before the import? Nothing.
        d.get(self.base + "#/statement/" + statement_id)
        self.wait_for_page("#/statement/")
        as_of = d.find_element(By.ID, "as-of")
        as_of.clear()
        as_of.send_keys("2000-01-01T00:00:00Z", Keys.ENTER)
        self.wait_for_page("#/statement/" + statement_id + "?as_of=")
        self.assertTrue(d.find_element(By.ID, "empty").is_displayed())
        self.assertEqual(d.find_elements(By.CSS_SELECTOR, ".origin"), [])


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--server", required=True)
    parser.add_argument("--stubs", required=True)
    parser.add_argument("--sample", required=True)
    parser.add_argument("--out", required=True)
    ARGS, rest = parser.parse_known_args()
    sys.path.insert(0, ARGS.stubs)
    import grpc  # noqa: E402
    from selenium import webdriver  # noqa: E402
    from selenium.webdriver.chrome.service import Service  # noqa: E402
    from selenium.webdriver.common.by import By  # noqa: E402
    from selenium.webdriver.common.keys import Keys  # noqa: E402
    from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402
    from claimgraph.v1 import (claim_service_pb2, claim_service_pb2_grpc,  # noqa: E402
                               provenance_service_pb2, provenance_service_pb2_grpc)
    unittest.main(argv=[sys.argv[0]] + rest)
