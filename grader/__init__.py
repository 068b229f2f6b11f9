"""netgrader: grades students' socket programs by probing them over loopback."""
