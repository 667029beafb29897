"""The web service: a Django project whose views are thin (check the role, call the library function the
command line calls, render a template). See docs/web.md."""
