import datetime as dt

from playwright.sync_api import expect

from bonetrack.reminders.models import Notification
from bonetrack.reminders.sweep import sweep
from tests.factories import PatientFactory


def test_patient_sees_the_reminder_under_the_bell_and_marks_it_read(live_server, sign_in, page):
    patient = PatientFactory(user__first_name="Margaret", next_scan_due_on=dt.date.today() + dt.timedelta(days=20))
    sweep(enqueue=False)
    sign_in(patient.user)
    bell = page.locator("#notification-bell")
    expect(bell.locator(".bell-count")).to_have_text("1 unread")
    bell.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Notifications")
    expect(page.get_by_role("link", name="Your bone density scan is due in 20 days")).to_be_visible()
    mark_read = page.get_by_role("button", name="Mark as read")
    mark_read.click()
    expect(mark_read).to_have_count(0)
    expect(page.locator("#notification-bell .bell-count")).to_have_count(0)  # the bell updated in place (htmx)
    assert Notification.objects.get().read_at is not None

    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(f"{live_server.url}/patients/{patient.pk}/reminders/")
    expect(page.get_by_role("heading", name="Coming up")).to_be_visible()
    page.get_by_role("checkbox", name="Email me:", exact=True).uncheck()
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("Your reminder settings are saved.")).to_be_visible()
    expect(page.get_by_role("checkbox", name="Email me:", exact=True)).not_to_be_checked()
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= 360
