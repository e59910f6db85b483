"""The Textual user interface: screens, widgets and modals that call the core."""
